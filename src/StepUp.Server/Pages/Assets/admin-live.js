"use strict";
// The dashboard's live page: follows /admin/live/stream (Server-Sent Events) and prepends each
// event as a table row. Every value goes in with textContent, never as HTML.
(() => {
  const status = document.getElementById("live-status");
  const body = document.querySelector("#live-events tbody");
  const source = new EventSource(status.dataset.stream);
  const text = (value) => (value === undefined || value === null ? "" : String(value));

  source.onopen = () => { status.textContent = "Connected: new events appear below as they are written."; };
  source.onerror = () => { status.textContent = "Disconnected, reconnecting…"; };

  const show = (message) => {
    const evt = JSON.parse(message.data);
    const payload = evt; // the event JSON carries its payload fields at the top level
    const context = payload.context || {};
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = "/admin/audit/" + encodeURIComponent(evt.seq);
    link.textContent = text(evt.seq);
    const cells = [link, evt.time, evt.type, payload.outcome, (payload.subject || {}).id, payload.action, context.ip, context.user_agent];
    for (const value of cells) {
      const cell = document.createElement("td");
      if (value instanceof Node) cell.appendChild(value); else cell.textContent = text(value);
      row.appendChild(cell);
    }
    row.lastChild.className = "ua";
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
  };

  for (const type of status.dataset.types.split(" ")) source.addEventListener(type, show);
})();
