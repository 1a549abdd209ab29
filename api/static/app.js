// Live scan panels over the WebSocket, with a drill-down into movies and their cached assets.
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
                      ["other", "Other art"]];
const n = (value) => (value ?? 0).toLocaleString("en-US");
const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function bar(percent) {
  return `<div class="bar" role="progressbar" aria-valuenow="${percent}"><div style="width:${percent}%"></div></div>`;
}

function renderPanel(m) {
  const p = m.progress || {}, s = m.stats || {}, phase = m.phase;
  const lines = [];
  if (["caching", "enriching", "completed"].includes(phase)) {
    lines.push(`<div class="ready">✅ Scanning complete! Library is ready to use!</div>`);
  }
  lines.push(`<div class="phase" data-phase="${esc(phase)}">${HEADINGS[phase] || esc(phase)}</div>`);
  if (phase === "discovering" && p.discovering) {
    lines.push(`<div>Found: ${n(p.discovering.directoriesFound)} movie directories</div>`);
    lines.push(`<div>Ignored: ${n(p.discovering.directoriesIgnored)} (matching ignore patterns)</div>`);
  }
  if (p.scanning) {
    lines.push(`<div>Progress: <span class="scanned">${n(p.scanning.scanned)}</span> / ${n(p.scanning.total)} (${p.scanning.percentage}%)` +
               (p.scanning.unchanged ? `, ${n(p.scanning.unchanged)} unchanged` : "") + `</div>`);
    if (phase === "scanning") lines.push(bar(p.scanning.percentage));
  }
  if (phase !== "discovering") {
    lines.push(`<div>Movies: ${n(s.moviesFound)} found (${n(s.moviesNew)} new, ${n(s.moviesUpdated)} updated)</div>`);
  }
  if (p.caching) {
    lines.push(`<div>Assets: ${n(p.caching.cached)} / ${n(p.caching.queued)} cached (${p.caching.percentage}%)</div>`);
    const byType = p.caching.byType || {};
    lines.push("<ul>" + ASSET_LABELS.filter(([k]) => byType[k]).map(([k, label]) => `<li>${label}: ${n(byType[k])} cached</li>`).join("") + "</ul>");
    if (phase === "caching") lines.push(bar(p.caching.percentage));
  }
  if (p.enriching) {
    lines.push(`<div>Enrichment: ${n(p.enriching.completed)} / ${n(p.enriching.queued)} movies (${p.enriching.percentage}%)</div>`);
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
  lines.push(`<div><a data-movies="${m.libraryId}">Browse movies of this library →</a></div>`);
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

async function showMovies(libraryId) {
  const movies = await api(`/api/libraries/${libraryId}/movies?limit=500`);
  const rows = movies.map((m) => {
    const poster = m.assets.find((a) => a.type === "poster");
    const video = m.streams.find((s) => s.kind === "video");
    return `<tr><td><a data-movie="${m.id}">${esc(m.title)}</a></td><td>${m.year ?? ""}</td>
      <td>${esc([m.imdbId, m.tmdbId && `tmdb:${m.tmdbId}`].filter(Boolean).join(" "))}</td>
      <td>${video ? esc(`${video.codec} ${video.width}x${video.height}${video.hdr_format ? " " + video.hdr_format : ""}`) : ""}</td>
      <td>${m.assets.length}${poster ? "" : " (no poster)"}</td><td>${esc(m.state)}</td>
      <td class="error">${m.errors.length ? esc(m.errors.length + " error(s)") : ""}</td></tr>`;
  }).join("");
  showDrilldown(`Movies (${movies.length})`, `<table><tr><th>Title</th><th>Year</th><th>Ids</th><th>Video</th>
    <th>Assets</th><th>State</th><th></th></tr>${rows}</table>`);
}

async function showMovie(movieId) {
  const m = await api(`/api/movies/${movieId}`);
  const assets = m.assets.map((a) => {
    const image = a.cachePath && !["trailer", "subtitle"].includes(a.type)
      ? `<img alt="${esc(a.type)}" src="/cache/${a.cachePath.split("/").map(encodeURIComponent).join("/")}">` : "";
    return `<div class="asset">${image}<b>${esc(a.type)}</b>${a.language ? " " + esc(a.language) : ""}<br>${esc(a.path)}<br>
      <span class="muted">${a.cachePath ? "cached " + esc(a.sha256.slice(0, 12)) : "not cached"}</span></div>`;
  }).join("");
  const streams = m.streams.map((s) => `<li>${esc(s.kind)}: ${esc(s.codec)} ${s.width ? `${s.width}x${s.height}` : ""}
    ${s.channels ? `${s.channels} ch` : ""} ${esc(s.language || "")} ${s.hdr_format ? esc(s.hdr_format) : ""}</li>`).join("");
  showDrilldown(`${m.title} (${m.year ?? "?"})`, `<p class="muted">${esc(m.directory)} — ${esc(m.mainVideo)}</p>
    <p>${esc(m.plot || "")}</p><h3>Streams</h3><ul>${streams}</ul><h3>Assets</h3><div class="assets">${assets}</div>
    ${m.errors.length ? `<h3>Errors</h3><ul class="error">${m.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : ""}`);
}

async function showErrors(scanId) {
  const errors = await api(`/api/scans/${scanId}/errors`);
  showDrilldown(`Errors of scan ${scanId}`, `<table><tr><th>Directory</th><th>Outcome</th><th>Errors</th></tr>${errors.map((e) =>
    `<tr><td>${esc(e.directory)}</td><td>${esc(e.outcome)}</td><td class="error">${e.errors.map(esc).join("<br>")}</td></tr>`).join("")}</table>`);
}

document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-cancel],[data-movies],[data-movie],[data-errors]");
  if (!target) return;
  try {
    if (target.dataset.cancel) await api(`/api/scans/${target.dataset.cancel}/cancel`, { method: "POST" });
    if (target.dataset.movies) await showMovies(target.dataset.movies);
    if (target.dataset.movie) await showMovie(target.dataset.movie);
    if (target.dataset.errors) await showErrors(target.dataset.errors);
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
