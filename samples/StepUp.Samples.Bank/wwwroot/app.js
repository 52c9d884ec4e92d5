// Demo Bank: forms marked data-stepup-endpoint post JSON. A 401 from StepUp.AspNetCore carries the
// RFC 9470 WWW-Authenticate header and the challenge URL: the page remembers the request, sends the
// user to StepUp's hosted challenge page with return_to, and when the user comes back with
// #stepup_token=… in the fragment, retries the same request with X-StepUp-Token.
(() => {
  "use strict";
  const pendingKey = "stepup-pending";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const show = (text) => { const el = document.getElementById("result"); if (el) { el.textContent = text; } };

  async function send(endpoint, body, token) {
    const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf() };
    if (token) { headers["X-StepUp-Token"] = token; }
    const response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
    const json = await response.json().catch(() => ({}));
    if (response.ok) {
      show(json.status === "done" ? `Transfer of ${Number(json.amount).toFixed(2)} EUR to ${json.to} done.` : `Key "${json.name}" created: ${json.key}`);
      setTimeout(() => location.reload(), 1500);
      return;
    }
    if (response.status === 401 && json.challenge) {
      if (json.challenge.enrollment_required) {
        show("This needs a step-up, but you have no second factor yet: set one up on the Security page.");
        return;
      }
      sessionStorage.setItem(pendingKey, JSON.stringify({ endpoint, body }));
      const [page, secret] = json.challenge.url.split("#");
      const back = location.origin + location.pathname;
      show("Confirm this on StepUp…");
      location.assign(`${page}?return_to=${encodeURIComponent(back)}#${secret}`);
      return;
    }
    show(response.status === 403 ? "Refused by policy." : `Failed (${response.status}).`);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const endpoint = form.dataset.stepupEndpoint;
    if (!endpoint) { return; }
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const body = endpoint === "/api/transfers"
      ? { id: crypto.randomUUID(), to: data.to, amount: Number(data.amount) }
      : { name: data.name };
    send(endpoint, body, null);
  });

  // Back from StepUp: the elevation token is in the fragment (never sent to a server by the browser).
  const match = /^#stepup_token=([^&]+)/.exec(location.hash);
  if (match) {
    history.replaceState(null, "", location.pathname);
    const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? "null");
    sessionStorage.removeItem(pendingKey);
    if (pending) {
      show("Step-up verified, sending again…");
      send(pending.endpoint, pending.body, decodeURIComponent(match[1]));
    }
  }
})();
