// The live connection to /ws. It is opened first and on its own: no fetch, no other script and no rendering error
// can keep it from opening or close it. The page's script subscribes with reelscanLive.subscribe(handler);
// messages that arrive before it does are kept for it.
"use strict";
(() => {
  const token = new URLSearchParams(location.search).get("token");
  const handlers = [];
  const early = [];
  let retry = 500;

  function deliver(message) {
    if (!handlers.length) { early.push(message); return; }
    for (const handler of handlers) {
      try { handler(message); } catch (error) { console.error("reelscan: a live update could not be shown", error); }
    }
  }

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
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      deliver(message);
    };
  }

  window.reelscanLive = {
    subscribe(handler) { handlers.push(handler); early.splice(0).forEach(deliver); },
  };
  connect();
})();
