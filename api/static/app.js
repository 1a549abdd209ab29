// Live scan panels over the WebSocket, with a drill-down into movies, series, artists' albums and their cached assets.
"use strict";

const scans = new Map();       // scanJobId -> latest progress message
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const HEADINGS = {
  discovering: "🔍 Discovering directories...", scanning: "📊 Scanning movies...", caching: "💾 Caching assets...",
  enriching: "🌐 Enriching metadata...", completed: "✅ Scan completed successfully!", cancelled: "⏹ Scan cancelled",
  failed: "❌ Scan failed",
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
    lines.push(`<div class="ready">✅ Scanning complete! Library is ready to use!</div>`);
  }
  // A music scan's heading is its summary: "Scanning albums... 120/800 (15%), 1,480 tracks".
  const heading = tv && phase === "scanning" ? "📊 Scanning series..."
    : music && phase === "scanning" ? `📊 ${esc(m.summary)}` : HEADINGS[phase];
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
             (s.errorsCount ? ` — <a data-errors="${m.scanJobId}">show errors</a>` : "") + `</div>`);
  if (m.health && m.health.stalled) lines.push(`<div class="error stalled">⚠ Stalled: ${esc(m.health.waitingOn)}</div>`);
  if (m.lastError) lines.push(`<div class="error">Last error: ${esc(m.lastError)}</div>`);
  if (m.notice) lines.push(`<div class="muted">ℹ ${esc(m.notice)}</div>`);
  if (!["completed", "cancelled", "failed"].includes(phase)) {
    if (m.currentOperation) lines.push(`<div class="muted">Currently: ${esc(m.currentOperation)}</div>`);
    if (m.estimatedTimeRemaining) lines.push(`<div class="muted">Estimated time remaining: ${esc(m.estimatedTimeRemaining)}</div>`);
    lines.push(`<button data-cancel="${m.scanJobId}">Cancel scan</button>`);
  } else {
    lines.push(`<div class="muted summary">${esc(m.summary)}</div>`);
  }
  lines.push(tv ? `<div><a data-series-list="${m.libraryId}">Browse series of this library →</a></div>`
    : music ? `<div><a data-artists="${m.libraryId}">Browse artists and albums of this library →</a></div>`
    : `<div><a data-movies="${m.libraryId}">Browse movies of this library →</a></div>`);
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

async function showMovies(libraryId) {
  const movies = await api(`/api/libraries/${libraryId}/movies?limit=500`);
  const rows = movies.map((m) => {
    const poster = m.assets.find((a) => a.type === "poster");
    return `<tr><td><a data-movie="${m.id}">${esc(m.title)}</a></td><td>${m.year ?? ""}</td>
      <td>${ids(m)}</td><td>${videoText(m.streams)}</td>
      <td>${m.assets.length}${poster ? "" : " (no poster)"}</td><td>${esc(m.state)}</td>${errorCount(m.errors)}</tr>`;
  }).join("");
  showDrilldown(`Movies (${movies.length})`, `<table><tr><th>Title</th><th>Year</th><th>Ids</th><th>Video</th>
    <th>Assets</th><th>State</th><th></th></tr>${rows}</table>`);
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

async function showSeriesList(libraryId) {
  const series = await api(`/api/libraries/${libraryId}/series?limit=500`);
  const rows = series.map((s) => {
    const unseasoned = s.episodes - s.seasons.reduce((total, season) => total + season.episodes, 0);
    const seasons = s.seasons.map((season) => `${esc(seasonName(season.number))}: ${n(season.episodes)}` +
      (season.missingEpisodes ? ` <span class="error">(${n(season.missingEpisodes)} missing)</span>` : ""))
      .concat(unseasoned > 0 ? [`<span class="muted">by date or number: ${n(unseasoned)}</span>`] : []).join("<br>");
    return `<tr><td><a data-series="${s.id}">${esc(s.title)}</a></td><td>${s.year ?? ""}</td><td>${ids(s)}</td>
      <td>${seasons}</td><td>${n(s.episodes)}</td>
      <td class="${s.missingEpisodes ? "error" : "muted"}">${n(s.missingEpisodes)}</td><td>${esc(s.state)}</td>${errorCount(s.errors)}</tr>`;
  }).join("");
  const episodes = series.reduce((total, s) => total + s.episodes, 0);
  showDrilldown(`Series (${series.length}, ${plural(episodes, "episode")})`, `<table><tr><th>Title</th><th>Year</th><th>Ids</th>
    <th>Seasons (episodes)</th><th>Episodes</th><th>Missing</th><th>State</th><th></th></tr>${rows}</table>`);
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

document.addEventListener("click", async (event) => {
  const target = event.target.closest(
    "[data-cancel],[data-movies],[data-movie],[data-series-list],[data-series],[data-errors],[data-artists],[data-artist],[data-album]");
  if (!target) return;
  try {
    if (target.dataset.cancel) await api(`/api/scans/${target.dataset.cancel}/cancel`, { method: "POST" });
    if (target.dataset.movies) await showMovies(target.dataset.movies);
    if (target.dataset.movie) await showMovie(target.dataset.movie);
    if (target.dataset.seriesList) await showSeriesList(target.dataset.seriesList);
    if (target.dataset.series) await showSeries(target.dataset.series);
    if (target.dataset.errors) await showErrors(target.dataset.errors);
    if (target.dataset.artists) await showArtists(target.dataset.artists);
    if (target.dataset.artist) await showArtistAlbums(...target.dataset.artist.split(":"));
    if (target.dataset.album) await showAlbum(target.dataset.album);
  } catch (error) { notice(`Error: ${error.message}`); }
});

let retry = 500;
function connect() {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  const socket = new WebSocket(url);
  window.reelscanSocket = socket;
  const badge = document.getElementById("connection");
  socket.onopen = () => { retry = 500; badge.textContent = "live"; badge.className = "badge online"; };
  socket.onclose = () => {
    badge.textContent = "reconnecting…"; badge.className = "badge offline";
    setTimeout(connect, retry); retry = Math.min(retry * 2, 5000);
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "scan:progress") { scans.set(message.scanJobId, message); render(); }
    if (message.type === "library:ready") notice(`Library "${message.libraryName}" is ready to use! Enrichment continues in the background.`);
    if (message.type === "scan:completed") notice(message.summary || `Scan ${message.scanJobId} ${message.phase}`);
  };
}
connect();
