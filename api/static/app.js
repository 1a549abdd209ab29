// Live scan panels (updates come from live.js), scan timelines, every library at once, a poster wall per library
// (or a table) and a drill-down into movies, series,
// artists' albums and their cached assets. Views are addressed by the URL's hash:
// #library/1, #movie/5, #series/2, #errors/3, #timeline/3.
"use strict";

const scans = new Map();       // scanJobId -> latest progress message
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const HEADINGS = {
  discovering: "Discovering directories...", scanning: "Scanning movies...", caching: "Caching assets...",
  enriching: "Enriching metadata...", completed: "Scan completed successfully!", cancelled: "Scan cancelled",
  failed: "Scan failed",
};
const ASSET_LABELS = [["poster", "Posters"], ["fanart", "Fanart"], ["trailer", "Trailers"], ["subtitle", "Subtitles"],
                      ["cover", "Album covers"], ["other", "Other art"]];
const n = (value) => (value ?? 0).toLocaleString("en-US");
const plural = (count, word) => `${n(count)} ${word}${count === 1 ? "" : "s"}`;
const pad = (number) => String(number).padStart(2, "0");
const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function bar(percent) {
  return `<div class="bar" role="progressbar" aria-valuenow="${percent}"><div style="width:${percent}%"></div></div>`;
}

// What a scan found: movies, (TV libraries) series, their episodes and the files no episode rule matched, or
// (music libraries) artists, albums and tracks, the untagged ones apart.
function itemsLine(s, tv, music) {
  if (music) {
    const updated = s.tracksUpdated ? `, ${n(s.tracksUpdated)} updated` : "";
    const missing = s.albumsMissing ? `, ${n(s.albumsMissing)} missing` : "";
    const untagged = s.tracksUntagged ? `, ${n(s.tracksUntagged)} untagged` : "";
    return `${plural(s.artistsFound ?? 0, "artist")}, ${plural(s.albumsFound ?? 0, "album")}${missing}, ` +
      `${plural(s.tracksFound ?? 0, "track")} (${n(s.tracksNew)} new${updated})${untagged}`;
  }
  if (!tv) return `Movies: ${n(s.moviesFound)} found (${n(s.moviesNew)} new, ${n(s.moviesUpdated)} updated)`;
  const updated = s.episodesUpdated ? `, ${n(s.episodesUpdated)} updated` : "";
  const unmatched = s.episodesUnmatched ? `, ${plural(s.episodesUnmatched, "unmatched file")}` : "";
  return `${n(s.seriesFound)} series, ${plural(s.episodesFound ?? 0, "episode")} (${n(s.episodesNew)} new${updated})${unmatched}`;
}

function renderPanel(m) {
  const p = m.progress || {}, s = m.stats || {}, phase = m.phase, tv = m.libraryType === "tv";
  const music = m.libraryType === "music";
  const lines = [];
  if (["caching", "enriching", "completed"].includes(phase)) {
    lines.push(`<div class="ready">Scanning complete! Library is ready to use!</div>`);
  }
  // A music scan's heading is its summary: "Scanning albums... 120/800 (15%), 1,480 tracks".
  const heading = tv && phase === "scanning" ? "Scanning series..."
    : music && phase === "scanning" ? esc(m.summary) : HEADINGS[phase];
  lines.push(`<div class="phase" data-phase="${esc(phase)}">${heading || esc(phase)}</div>`);
  if (phase === "discovering" && p.discovering) {
    const found = tv ? "series folders" : music ? "album folders" : "movie directories";
    lines.push(`<div>Found: ${n(p.discovering.directoriesFound)} ${found}</div>`);
    lines.push(`<div>Ignored: ${n(p.discovering.directoriesIgnored)} (matching ignore patterns)</div>`);
  }
  if (p.scanning) {
    lines.push(`<div>Progress: <span class="scanned">${n(p.scanning.scanned)}</span> / ${n(p.scanning.total)} (${p.scanning.percentage}%)` +
               (p.scanning.unchanged ? `, ${n(p.scanning.unchanged)} unchanged` : "") + `</div>`);
    if (phase === "scanning") lines.push(bar(p.scanning.percentage));
  }
  if (phase !== "discovering") {
    lines.push(`<div class="items">${itemsLine(s, tv, music)}</div>`);
  }
  if (p.caching) {
    lines.push(`<div>Assets: ${n(p.caching.cached)} / ${n(p.caching.queued)} cached (${p.caching.percentage}%)</div>`);
    const byType = p.caching.byType || {};
    lines.push("<ul>" + ASSET_LABELS.filter(([k]) => byType[k]).map(([k, label]) => `<li>${label}: ${n(byType[k])} cached</li>`).join("") + "</ul>");
    if (phase === "caching") lines.push(bar(p.caching.percentage));
  }
  if (p.enriching) {
    lines.push(`<div>Enrichment: ${n(p.enriching.completed)} / ${n(p.enriching.queued)} ${tv ? "series" : music ? "albums" : "movies"} (${p.enriching.percentage}%)</div>`);
    if (phase === "enriching") lines.push(bar(p.enriching.percentage));
  }
  if (["completed", "cancelled", "failed"].includes(phase)) lines.push(bar(100));
  lines.push(`<div class="${s.errorsCount ? "error" : "muted"}">Errors: ${n(s.errorsCount)}` +
             (s.errorsCount ? ` — <a href="#errors/${m.scanJobId}" data-errors="${m.scanJobId}">show errors</a>` : "") + `</div>`);
  if (m.health && m.health.stalled) lines.push(`<div class="error stalled">Stalled: ${esc(m.health.waitingOn)}</div>`);
  if (m.lastError) lines.push(`<div class="error">Last error: ${esc(m.lastError)}</div>`);
  if (m.notice) lines.push(`<div class="muted">Note: ${esc(m.notice)}</div>`);
  if (!["completed", "cancelled", "failed"].includes(phase)) {
    if (m.currentOperation) lines.push(`<div class="muted">Currently: ${esc(m.currentOperation)}</div>`);
    if (m.estimatedTimeRemaining) lines.push(`<div class="muted">Estimated time remaining: ${esc(m.estimatedTimeRemaining)}</div>`);
    lines.push(`<button data-cancel="${m.scanJobId}">Cancel scan</button>`);
  } else {
    lines.push(`<div class="muted summary">${esc(m.summary)}</div>`);
  }
  const browse = music ? `<a data-artists="${m.libraryId}">Browse artists and albums of this library →</a>`
    : `<a href="#library/${m.libraryId}" ${tv ? "data-series-list" : "data-movies"}="${m.libraryId}">Browse ${tv ? "series" : "movies"} of this library →</a>`;
  lines.push(`<div class="panel-links">${browse} <a href="#timeline/${m.scanJobId}" data-timeline="${m.scanJobId}">Timeline of this scan</a></div>`);
  return `<div class="panel ${esc(phase)}" id="scan-${m.scanJobId}">
    <h3>Library Scan: "${esc(m.libraryName)}" <span class="muted">(scan ${m.scanJobId})</span></h3>${lines.join("")}</div>`;
}

function render() {
  const ordered = [...scans.values()].sort((a, b) => b.scanJobId - a.scanJobId).slice(0, 10);
  document.getElementById("scans").innerHTML = ordered.length ? ordered.map(renderPanel).join("")
    : `<p class="muted">No scans yet.</p>`;
}

function notice(text) {
  const box = document.getElementById("notices");
  const item = document.createElement("div");
  item.className = "notice";
  item.textContent = text;
  box.prepend(item);
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
  return response.json();
}

function showDrilldown(title, html) {
  document.getElementById("drilldown").hidden = false;
  document.getElementById("drilldown-title").textContent = title;
  document.getElementById("drilldown-body").innerHTML = html;
  document.getElementById("drilldown").scrollIntoView();
}

const ids = (x) => esc([x.imdbId, x.tmdbId && `tmdb:${x.tmdbId}`, x.tvdbId && `tvdb:${x.tvdbId}`].filter(Boolean).join(" "));
const cacheUrl = (a) => `/cache/${a.cachePath.split("/").map(encodeURIComponent).join("/")}`;
const errorCount = (errors) => `<td class="error">${errors.length ? esc(plural(errors.length, "error")) : ""}</td>`;
const errorList = (errors) => errors.length
  ? `<h3>Errors</h3><ul class="error">${errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : "";

function videoText(streams) {
  const video = streams.find((s) => s.kind === "video");
  return video ? esc(`${video.codec} ${video.width}x${video.height}${video.hdr_format ? " " + video.hdr_format : ""}`) : "";
}

function assetCards(assets) {
  return assets.map((a) => {
    const image = a.cachePath && !["trailer", "subtitle"].includes(a.type) ? `<img alt="${esc(a.type)}" src="${cacheUrl(a)}">` : "";
    return `<div class="asset">${image}<b>${esc(a.type)}</b>${a.language ? " " + esc(a.language) : ""}<br>${esc(a.path)}<br>
      <span class="muted">${a.cachePath ? "cached " + esc(a.sha256.slice(0, 12)) : "not cached"}</span></div>`;
  }).join("");
}

function moviesTable(movies) {
  const rows = movies.map((m) => {
    const poster = m.assets.find((a) => a.type === "poster");
    return `<tr><td><a href="#movie/${m.id}" data-movie="${m.id}">${esc(m.title)}</a></td><td>${m.year ?? ""}</td>
      <td>${ids(m)}</td><td>${videoText(m.streams)}</td>
      <td>${m.assets.length}${poster ? "" : " (no poster)"}</td><td>${esc(m.state)}</td>${errorCount(m.errors)}</tr>`;
  }).join("");
  return `<table><tr><th>Title</th><th>Year</th><th>Ids</th><th>Video</th>
    <th>Assets</th><th>State</th><th></th></tr>${rows}</table>`;
}

async function showMovie(movieId) {
  const m = await api(`/api/movies/${movieId}`);
  const assets = assetCards(m.assets);
  const streams = m.streams.map((s) => `<li>${esc(s.kind)}: ${esc(s.codec)} ${s.width ? `${s.width}x${s.height}` : ""}
    ${s.channels ? `${s.channels} ch` : ""} ${esc(s.language || "")} ${s.hdr_format ? esc(s.hdr_format) : ""}</li>`).join("");
  showDrilldown(`${m.title} (${m.year ?? "?"})`, `<p class="muted">${esc(m.directory)} — ${esc(m.mainVideo)}</p>
    <p>${esc(m.plot || "")}</p><h3>Streams</h3><ul>${streams}</ul><h3>Assets</h3><div class="assets">${assets}</div>
    ${errorList(m.errors)}`);
}

const seasonName = (number) => (number === 0 ? "Specials" : `Season ${number}`);

function seriesTable(series) {
  const rows = series.map((s) => {
    const unseasoned = s.episodes - s.seasons.reduce((total, season) => total + season.episodes, 0);
    const seasons = s.seasons.map((season) => `${esc(seasonName(season.number))}: ${n(season.episodes)}` +
      (season.missingEpisodes ? ` <span class="error">(${n(season.missingEpisodes)} missing)</span>` : ""))
      .concat(unseasoned > 0 ? [`<span class="muted">by date or number: ${n(unseasoned)}</span>`] : []).join("<br>");
    return `<tr><td><a href="#series/${s.id}" data-series="${s.id}">${esc(s.title)}</a></td><td>${s.year ?? ""}</td><td>${ids(s)}</td>
      <td>${seasons}</td><td>${n(s.episodes)}</td>
      <td class="${s.missingEpisodes ? "error" : "muted"}">${n(s.missingEpisodes)}</td><td>${esc(s.state)}</td>${errorCount(s.errors)}</tr>`;
  }).join("");
  return `<table><tr><th>Title</th><th>Year</th><th>Ids</th>
    <th>Seasons (episodes)</th><th>Episodes</th><th>Missing</th><th>State</th><th></th></tr>${rows}</table>`;
}

function episodeLabel(e) {
  if (e.episodeNumber != null) {
    const shared = e.fileEpisodes && e.fileEpisodes.length > 1
      ? ` <span class="muted">(${e.fileEpisodes.map((x) => "E" + pad(x)).join("+")} in one file)</span>` : "";
    return `S${pad(e.seasonNumber ?? 0)}E${pad(e.episodeNumber)}${shared}`;
  }
  return e.airDate ? esc(e.airDate) : e.absoluteNumber != null ? `#${e.absoluteNumber}` : "?";
}

function episodeRow(e) {
  const thumb = e.assets.find((a) => a.type === "thumb" && a.cachePath);
  const subtitles = e.assets.filter((a) => a.type === "subtitle").map((a) => esc(a.language || "?")).join(", ");
  return `<tr class="${e.state === "missing" ? "missing" : ""}"><td>${episodeLabel(e)}</td><td>${esc(e.title || "")}</td>
    <td class="muted">${esc(e.file)}</td><td>${videoText(e.streams)}</td>
    <td class="thumb">${thumb ? `<img alt="thumb" src="${cacheUrl(thumb)}">` : ""}</td><td>${subtitles}</td>
    <td class="${e.state === "missing" ? "error" : ""}">${esc(e.state)}</td></tr>`;
}

async function showSeries(seriesId) {
  const s = await api(`/api/series/${seriesId}`);
  const header = `<tr><th>Episode</th><th>Title</th><th>File</th><th>Video</th><th>Thumb</th><th>Subtitles</th><th>State</th></tr>`;
  const seasons = s.seasons.map((season) => {
    const episodes = s.episodes.filter((e) => e.seasonNumber === season.number);
    return `<h3>${esc(seasonName(season.number))} <span class="muted">— ${plural(season.episodes, "episode")}` +
      `${season.missingEpisodes ? `, ${n(season.missingEpisodes)} missing` : ""}${season.folder ? ", " + esc(season.folder) : ""}</span></h3>
      ${season.assets.length ? `<div class="assets">${assetCards(season.assets)}</div>` : ""}
      ${episodes.length ? `<table>${header}${episodes.map(episodeRow).join("")}</table>` : ""}`;
  }).join("");
  const other = s.episodes.filter((e) => e.seasonNumber == null);
  const others = other.length
    ? `<h3>Episodes by air date or absolute number</h3><table>${header}${other.map(episodeRow).join("")}</table>` : "";
  const present = s.episodes.filter((e) => e.state !== "missing").length;
  const facts = [esc(s.directory), ids(s), plural(present, "episode") + (s.missingEpisodes ? `, ${n(s.missingEpisodes)} missing` : "")];
  showDrilldown(`${s.title} (${s.year ?? "?"})`, `<p class="muted">${facts.filter(Boolean).join(" — ")}</p>
    <p>${esc(s.plot || "")}</p><h3>Artwork</h3><div class="assets">${assetCards(s.assets) || `<span class="muted">none</span>`}</div>
    ${seasons}${others}${errorList(s.errors)}`);
}

// Music libraries: artists -> their albums with covers -> an album's tracks with their technical details.
const coverImg = (path) => (path ? `<img class="cover" alt="cover" src="${cacheUrl({ cachePath: path })}">` : "");
const duration = (seconds) => (seconds ? `${Math.floor(seconds / 60)}:${pad(Math.round(seconds % 60))}` : "");

async function showArtists(libraryId) {
  const albums = await api(`/api/libraries/${libraryId}/albums?limit=1000`);
  const artists = new Map();
  for (const a of albums) {
    const key = a.artist ? a.artist.id : 0;
    if (!artists.has(key)) artists.set(key, { name: a.artist ? a.artist.name : a.albumArtist || "Unknown artist", albums: [] });
    artists.get(key).albums.push(a);
  }
  const rows = [...artists.entries()].map(([id, artist]) => {
    const tracks = artist.albums.reduce((total, a) => total + a.tracks, 0);
    return `<tr><td><a data-artist="${libraryId}:${id}">${esc(artist.name)}</a></td><td>${n(artist.albums.length)}</td>
      <td>${n(tracks)}</td><td class="covers">${artist.albums.map((a) => coverImg(a.cover)).join("")}</td></tr>`;
  }).join("");
  const tracks = albums.reduce((total, a) => total + a.tracks, 0);
  showDrilldown(`Artists (${artists.size}, ${plural(albums.length, "album")}, ${plural(tracks, "track")})`,
    `<table><tr><th>Artist</th><th>Albums</th><th>Tracks</th><th>Covers</th></tr>${rows}</table>`);
}

async function showArtistAlbums(libraryId, artistId) {
  const query = artistId && artistId !== "0" ? `&artistId=${artistId}` : "";
  const albums = (await api(`/api/libraries/${libraryId}/albums?limit=1000${query}`))
    .filter((a) => query || !a.artist);
  const name = albums.length ? (albums[0].artist ? albums[0].artist.name : albums[0].albumArtist) : "Artist";
  const cards = albums.map((a) => `<div class="asset album"><a data-album="${a.id}">${coverImg(a.cover) ||
    `<div class="nocover">no cover</div>`}<b>${esc(a.title)}</b></a><br>${a.year ?? ""} — ${plural(a.tracks, "track")}` +
    `${a.missingTracks ? ` <span class="error">(${n(a.missingTracks)} missing)</span>` : ""}<br>
    <span class="muted">${esc(a.state)}${a.mbReleaseId ? " · MusicBrainz" : ""}</span></div>`).join("");
  showDrilldown(`${name} (${plural(albums.length, "album")})`, `<div class="assets">${cards}</div>`);
}

function trackRow(t) {
  const tech = [t.codec, t.bitrate && `${Math.round(t.bitrate / 1000)} kbps`, t.sampleRate && `${t.sampleRate / 1000} kHz`,
    t.bitDepth && `${t.bitDepth} bit`, t.channels && `${t.channels} ch`].filter(Boolean).join(", ");
  const number = t.disc ? `${t.disc}-${pad(t.number ?? 0)}` : pad(t.number ?? 0);
  return `<tr class="${t.state === "missing" ? "missing" : ""}"><td>${esc(number)}</td><td>${esc(t.title)}` +
    `${t.tagged ? "" : ` <span class="muted">(untagged)</span>`}</td><td>${esc(t.artist || "")}</td>
    <td>${duration(t.durationSeconds)}</td><td>${esc(tech)}</td><td class="muted">${esc(t.file)}</td>
    <td class="${t.state === "missing" ? "error" : ""}">${esc(t.state)}</td></tr>`;
}

async function showAlbum(albumId) {
  const a = await api(`/api/albums/${albumId}`);
  const facts = [esc(a.albumArtist), a.year, esc(a.label || ""), esc(a.releaseType || ""), esc(a.genres.join(", ")),
    plural(a.tracks, "track"), duration(a.durationSeconds), esc(a.directory || "(library root)")].filter(Boolean);
  const assets = [...a.assets, ...a.artistAssets].map((x) => ({ ...x, path: x.path || x.source }));
  showDrilldown(`${a.title} (${a.year ?? "?"})`, `${coverImg(a.cover)}<p class="muted">${facts.join(" — ")}</p>
    <table><tr><th>#</th><th>Title</th><th>Artist</th><th>Length</th><th>Format</th><th>File</th><th>State</th></tr>
    ${a.trackList.map(trackRow).join("")}</table><h3>Artwork</h3>
    <div class="assets">${assetCards(assets) || `<span class="muted">none</span>`}</div>${errorList(a.errors)}`);
}

async function showErrors(scanId) {
  const errors = await api(`/api/scans/${scanId}/errors`);
  const total = errors.reduce((sum, e) => sum + e.errors.length, 0);
  showDrilldown(`Errors of scan ${scanId} (${plural(total, "error")})`,
    `<table><tr><th>Phase</th><th>Directory</th><th>Outcome</th><th>Errors</th></tr>${errors.map((e) =>
    `<tr><td>${esc(e.phase)}</td><td>${esc(e.directory || "(library root)")}</td><td>${esc(e.outcome)}</td>` +
    `<td class="error">${e.errors.map(esc).join("<br>")}</td></tr>`).join("")}</table>`);
}

// --- every library at once ------------------------------------------------------------------------------------

const when = (iso) => (iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "");
function took(seconds) {
  if (seconds == null) return "";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function watchText(w) {
  if (!w || !w.mode) return `<span class="muted">not watched</span>`;
  if (w.mode === "off" && !w.running) return `<span class="muted">not watched</span>`;
  return `<span class="watch-status">${esc(w.status || w.mode)}</span><div class="muted small">${esc(w.reason || "")}</div>`;
}

function renderFleet(entries) {
  const box = document.getElementById("fleet");
  if (!entries.length) { box.innerHTML = `<p class="muted">No libraries yet.</p>`; return; }
  const rows = entries.map((e) => {
    const last = e.lastScan;
    const status = e.stalled ? "stalled" : last ? last.status : "never";
    const items = e.type === "tv" ? `${n(e.series)} series` : e.type === "music" ? plural(e.albums ?? 0, "album") : plural(e.movies, "movie");
    const next = e.nextScanAt ? when(e.nextScanAt) : e.schedule ? (e.schedule.paused ? "schedule paused" : "") : `<span class="muted">no schedule</span>`;
    return `<tr class="fleet-row ${esc(status)}" data-library-row="${e.id}">
      <th scope="row"><a href="#library/${e.id}">${esc(e.name)}</a><div class="muted small">${esc(e.path)}</div></th>
      <td>${e.type === "tv" ? "TV" : "Movies"}</td><td>${items}</td>
      <td><span class="status status-${esc(status)}">${esc(status)}</span> ${esc(e.outcome)}
        ${last ? `<div class="muted small">scan ${last.scanJobId}, started ${esc(when(last.startedAt))} — <a href="#timeline/${last.scanJobId}">timeline</a></div>` : ""}</td>
      <td>${last ? esc(took(last.durationSeconds)) : ""}</td><td>${next}</td><td>${watchText(e.watch)}</td></tr>`;
  }).join("");
  box.innerHTML = `<div class="table-wrap"><table class="fleet"><thead><tr><th scope="col">Library</th><th scope="col">Type</th><th scope="col">Items</th>
    <th scope="col">Last scan</th><th scope="col">Took</th><th scope="col">Next scan</th><th scope="col">Watching</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

async function loadFleet() {
  try { renderFleet(await api("/api/fleet")); }
  catch (error) { document.getElementById("fleet").innerHTML = `<p class="error">Libraries could not be loaded: ${esc(error.message)}</p>`; }
}
let fleetTimer = null;
function refreshFleetSoon() {
  clearTimeout(fleetTimer);
  fleetTimer = setTimeout(loadFleet, 1000);
}

// --- a library as a poster wall (or a table) ------------------------------------------------------------------

const PAGE_SIZE = 60;
const STATE_WORDS = { discovered: "not enriched", enriched: "enriched", unmatched: "unmatched", enrichment_failed: "enrichment failed", missing: "missing" };
const wall = { libraryId: null, type: "movie", name: "", view: "posters", offset: 0, total: 0, request: 0 };
const thumbUrl = (path, width) => `/thumbs/${width}/${path.split("/").map(encodeURIComponent).join("/")}` +
  (token ? `?token=${encodeURIComponent(token)}` : "");

function filterParams() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams({ offset: wall.offset, limit: PAGE_SIZE, sort: form.sort.value });
  if (form.q.value.trim()) params.set("q", form.q.value.trim());
  if (form.state.value) params.set("state", form.state.value);
  if (form.hasErrors.checked) params.set("hasErrors", "true");
  if (form.missingPoster.checked) params.set("missingPoster", "true");
  for (const name of ["yearFrom", "yearTo"]) {
    const value = form[name].value.trim();
    if (/^\d{1,4}$/.test(value)) params.set(name, value);
  }
  return params;
}

function posterCard(item) {
  const kind = wall.type === "tv" ? "series" : "movie";
  const label = `${item.title}${item.year ? ` (${item.year})` : ""}`;
  const poster = item.poster || {};
  const art = poster.cachePath
    ? `<img class="poster" loading="lazy" decoding="async" width="160" height="240" alt="Poster of ${esc(label)}"
        src="${thumbUrl(poster.cachePath, 160)}" srcset="${thumbUrl(poster.cachePath, 320)} 2x">`
    : `<div class="poster placeholder" role="img" aria-label="No poster for ${esc(label)}: ${esc(poster.missingReason || "unknown")}">
        <span class="placeholder-title">${esc(item.title)}</span><span class="placeholder-reason">No poster: ${esc(poster.missingReason || "unknown")}</span></div>`;
  const errors = (item.errors || []).length;
  const badges = [`<span class="state state-${esc(item.state)}">${esc(STATE_WORDS[item.state] || item.state)}</span>`];
  if (errors) badges.push(`<span class="state state-errors">${esc(plural(errors, "error"))}</span>`);
  return `<li><a class="card" href="#${kind}/${item.id}" data-${kind}="${item.id}">${art}
    <span class="card-title">${esc(item.title)}</span><span class="card-year">${item.year ?? "year unknown"}</span>
    <span class="badges">${badges.join("")}</span></a></li>`;
}

async function loadWall() {
  const request = ++wall.request;
  const path = wall.type === "tv" ? "series" : "movies";
  const response = await fetch(`/api/libraries/${wall.libraryId}/${path}?${filterParams()}`, { headers });
  if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
  const items = await response.json();
  if (request !== wall.request) return; // a newer filter or page was asked for meanwhile
  wall.total = parseInt(response.headers.get("X-Total-Count") || String(items.length), 10);
  const body = document.getElementById("library-body");
  if (!items.length) {
    body.innerHTML = `<p class="muted">Nothing matches these filters.</p>`;
  } else if (wall.view === "posters") {
    body.innerHTML = `<ul class="wall" aria-label="Posters">${items.map(posterCard).join("")}</ul>`;
  } else {
    body.innerHTML = `<div class="table-wrap">${wall.type === "tv" ? seriesTable(items) : moviesTable(items)}</div>`;
  }
  const first = items.length ? wall.offset + 1 : 0;
  const last = wall.offset + items.length;
  const all = wall.type === "tv" ? `${n(wall.total)} series` : plural(wall.total, "movie");
  document.getElementById("library-count").textContent = `${n(first)}–${n(last)} of ${all}`;
  document.getElementById("page-info").textContent = `Page ${n(Math.floor(wall.offset / PAGE_SIZE) + 1)} of ${n(Math.max(1, Math.ceil(wall.total / PAGE_SIZE)))}`;
  document.querySelector("[data-page='-1']").disabled = wall.offset === 0;
  document.querySelector("[data-page='1']").disabled = last >= wall.total;
  performance.mark("reelscan:wall-rendered");
  document.getElementById("library").dataset.ready = String(request);
}

async function showLibrary(libraryId) {
  const section = document.getElementById("library");
  if (wall.libraryId !== libraryId) {
    const library = await api(`/api/libraries/${libraryId}`);
    if (library.type === "music") { section.hidden = true; await showArtists(libraryId); return; }
    Object.assign(wall, { libraryId, type: library.type, name: library.name, offset: 0 });
    document.getElementById("library-title").textContent = `Library "${library.name}" (${library.type === "tv" ? "series" : "movies"})`;
  }
  section.hidden = false;
  await loadWall();
  section.scrollIntoView();
}

function setView(view) {
  wall.view = view;
  for (const button of document.querySelectorAll("[data-view]")) button.setAttribute("aria-pressed", String(button.dataset.view === view));
  return loadWall();
}

let filterTimer = null;
document.getElementById("filters").addEventListener("input", (event) => {
  clearTimeout(filterTimer);
  const wait = event.target.name === "q" || event.target.type === "number" ? 300 : 0;
  filterTimer = setTimeout(() => { wall.offset = 0; loadWall().catch((error) => notice(`Error: ${error.message}`)); }, wait);
});

// A poster thumbnail that cannot be shown becomes a placeholder saying so.
document.addEventListener("error", (event) => {
  const image = event.target;
  if (!(image instanceof HTMLImageElement) || !image.classList.contains("poster")) return;
  const box = document.createElement("div");
  box.className = "poster placeholder";
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", `${image.alt}: the poster file could not be shown`);
  box.innerHTML = `<span class="placeholder-reason">Poster file could not be shown</span>`;
  image.replaceWith(box);
}, true);

// --- a scan's timeline ----------------------------------------------------------------------------------------

const PHASE_COLORS = { discovering: "rgba(154,164,178,.16)", scanning: "rgba(79,157,255,.16)", caching: "rgba(139,195,74,.16)", enriching: "rgba(255,183,77,.16)" };
const SERIES = [["directories", "folders/s", "#4f9dff"], ["assets", "assets/s", "#8bc34a"], ["providerRequests", "provider requests/s", "#ffb74d"]];
const TOTALS = [["directoriesScanned", "Folders scanned"], ["assetsCached", "Assets cached"], ["enrichmentCompleted", "Enriched"],
                ["providerRequests", "Provider requests"], ["errorsCount", "Errors"]];
const timeline = { scanId: null, chart: null, timer: null, live: false };

function phasePlugin(phases, marks) {
  return {
    hooks: {
      drawClear: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        for (const p of phases) {
          const right = u.bbox.left + u.bbox.width;
          const x0 = Math.max(u.valToPos(p.start, "x", true), u.bbox.left), x1 = Math.min(u.valToPos(p.end, "x", true), right);
          if (x1 <= x0) continue;
          ctx.fillStyle = PHASE_COLORS[p.phase] || "rgba(255,255,255,.08)";
          ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, 1), u.bbox.height);
          ctx.fillStyle = "#c9d1dc";
          ctx.font = `${Math.round(12 * devicePixelRatio)}px system-ui, sans-serif`;
          const label = ctx.measureText(p.phase).width + 8 * devicePixelRatio;
          if (x1 - x0 > label) ctx.fillText(p.phase, x0 + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio); // room for its name
        }
        ctx.restore();
      }],
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.fillStyle = "#ff6e6e";
        const bottom = u.bbox.top + u.bbox.height, size = 6 * devicePixelRatio;
        for (const m of marks) {
          const x = u.valToPos(m.t, "x", true);
          ctx.beginPath(); ctx.moveTo(x, bottom - size * 1.6); ctx.lineTo(x - size, bottom); ctx.lineTo(x + size, bottom); ctx.fill();
        }
        ctx.restore();
      }],
    },
  };
}

function drawChart(t) {
  const box = document.getElementById("timeline-chart");
  if (typeof window.uPlot !== "function") {
    box.innerHTML = `<p class="notice-inline">The chart library (uPlot) is not installed, so no chart is drawn: run <code>make setup</code>. The phases and totals below are complete.</p>`;
    return;
  }
  const data = [t.t, ...SERIES.map(([key]) => t.rates[key])];
  const width = Math.max(280, Math.min(box.clientWidth || 900, 1100));
  if (timeline.chart) timeline.chart.destroy();
  box.innerHTML = "";
  const stepped = window.uPlot.paths.stepped({ align: -1 }); // a rate holds over the interval that ends at its point
  timeline.chart = new window.uPlot({
    width, height: 280,
    scales: { x: { time: false, range: (u, min, max) => [0, Math.max(max, t.durationSeconds, 1)] } },
    axes: [{ label: "seconds since the scan started", stroke: "#9aa4b2", grid: { stroke: "#2a313b" } },
           { label: "per second", stroke: "#9aa4b2", grid: { stroke: "#2a313b" } }],
    series: [{ label: "second" }, ...SERIES.map(([, label, color]) => ({ label, stroke: color, width: 2, paths: stepped, points: { show: false } }))],
    plugins: [phasePlugin(t.phases, t.errorMarks)],
  }, data, box);
}

function timelineFacts(t) {
  const phases = t.phases.map((p) => `<li data-phase="${esc(p.phase)}"><span class="swatch" style="background:${PHASE_COLORS[p.phase]}"></span>
    <b>${esc(p.phase)}</b> ${took(p.start)} → ${took(p.end)} <span class="muted">(${took(p.end - p.start)})</span></li>`).join("");
  const totals = TOTALS.map(([key, label]) => `<div><dt>${label}</dt><dd data-total="${key}">${n(t.totals[key])}</dd></div>`).join("");
  const marks = t.errorMarks.length
    ? `<p class="error">Errors, marked by red triangles on the time axis: ${t.errorMarks.map((m) => `${n(m.errors)} at ${took(m.t)}`).join(", ")}</p>` : "";
  const state = t.endedAt ? `${esc(t.status)} after ${took(t.durationSeconds)}` : `running for ${took(t.durationSeconds)} (live)`;
  return `<p><span class="status status-${esc(t.status)}">${esc(t.status)}</span> ${state} — <span data-points>${n(t.t.length)}</span> points</p>
    <h3>Phases</h3><ol class="phases">${phases}</ol><h3>Totals</h3><dl class="totals">${totals}</dl>${marks}`;
}

async function loadTimeline(scanId) {
  clearTimeout(timeline.timer);
  let t = null;
  try {
    t = await api(`/api/scans/${scanId}/timeline`);
    if (timeline.scanId !== scanId) return;
    document.getElementById("timeline-title").textContent = `Timeline of scan ${scanId}`;
    drawChart(t);
    document.getElementById("timeline-facts").innerHTML = timelineFacts(t);
    document.getElementById("timeline").dataset.status = t.status;
    timeline.live = !t.endedAt;
  } finally {
    // Live while the scan runs (and again after a failed request while it ran).
    if (timeline.scanId === scanId && timeline.live) {
      timeline.timer = setTimeout(() => loadTimeline(scanId).catch(() => {}), 2000);
    }
  }
}

async function showTimeline(scanId) {
  timeline.scanId = scanId;
  timeline.live = false;
  const section = document.getElementById("timeline");
  section.hidden = false;
  await loadTimeline(scanId);
  section.scrollIntoView();
}

// --- what the URL's hash asks for -----------------------------------------------------------------------------

async function route() {
  const [view, id] = location.hash.slice(1).split("/");
  const number = parseInt(id, 10);
  try {
    if (view === "library" && number >= 0) await showLibrary(number);
    else if (view === "movie" && number >= 0) await showMovie(number);
    else if (view === "series" && number >= 0) await showSeries(number);
    else if (view === "errors" && number >= 0) await showErrors(number);
    else if (view === "timeline" && number >= 0) await showTimeline(number);
    else if (view === "libraries") document.getElementById("fleet-section").scrollIntoView();
    else if (view === "scans") document.getElementById("scans-section").scrollIntoView();
  } catch (error) { notice(`Error: ${error.message}`); }
}
window.addEventListener("hashchange", route);

document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[href^='#']");
  if (link && link.getAttribute("href") === location.hash) { event.preventDefault(); route(); return; } // the same view again
  const target = event.target.closest("[data-cancel],[data-view],[data-page],[data-artists],[data-artist],[data-album]");
  if (!target) return;
  try {
    if (target.dataset.cancel) await api(`/api/scans/${target.dataset.cancel}/cancel`, { method: "POST" });
    if (target.dataset.view) await setView(target.dataset.view);
    if (target.dataset.page) {
      wall.offset = Math.max(0, wall.offset + parseInt(target.dataset.page, 10) * PAGE_SIZE);
      await loadWall();
    }
    // Music libraries: artists -> albums -> tracks in the drill-down.
    if (target.dataset.artists) await showArtists(target.dataset.artists);
    if (target.dataset.artist) await showArtistAlbums(...target.dataset.artist.split(":"));
    if (target.dataset.album) await showAlbum(target.dataset.album);
  } catch (error) { notice(`Error: ${error.message}`); }
});

window.reelscanLive.subscribe((message) => {
  if (message.type === "scan:progress") { scans.set(message.scanJobId, message); render(); }
  if (message.type === "scan:phase" || message.type === "scan:completed") refreshFleetSoon();
  if (message.type === "library:ready") notice(`Library "${message.libraryName}" is ready to use! Enrichment continues in the background.`);
  if (message.type === "scan:completed") notice(message.summary || `Scan ${message.scanJobId} ${message.phase}`);
});

route();
loadFleet();
