// StepUp hosted challenge page. The page secret is the URL fragment: it never reaches a server
// log or a Referer; the script sends it in a header to the page's own endpoints.
'use strict';
(function () {
  const P = window.StepUpPage;
  const main = P.el('challenge');
  const id = main.dataset.challenge;
  const returnTo = main.dataset.returnTo || null;
  const secret = location.hash.length > 1 ? location.hash.slice(1) : '';
  const headers = { 'X-StepUp-Page-Secret': secret };
  const base = encodeURIComponent(id) + '/';
  let busy = false;

  const reasons = {
    invalid_code: 'That code is not right.',
    replayed_code: 'That code was used already. Wait for the next one.',
    level_not_reached: 'This passkey is not strong enough for this action: it needs a passkey bound to this device, with its screen lock or PIN.',
    webauthn_user_not_verified: 'Your device did not verify you (screen lock, PIN or fingerprint).',
    webauthn_sign_count_regressed: 'This passkey looks like a copy of another one and was refused.'
  };

  function setBusy(value) {
    busy = value;
    document.querySelectorAll('#methods button').forEach(function (b) { b.disabled = value; });
  }

  function place(from) {
    if (!from) return 'Unknown';
    const where = [from.city, from.country].filter(Boolean).join(', ');
    if (from.ip && where) return from.ip + ' (' + where + ')';
    return from.ip || where || 'Unknown';
  }

  function end(text) {
    P.show('methods', false);
    P.show('notice', false);
    P.message(text, null, 'info');
  }

  function problem(result) {
    const data = result.data || {};
    switch (result.status) {
      case 0: P.message('StepUp cannot be reached. Check your connection and try again.'); break;
      case 404: end('This link is not valid. Ask the application to start again.'); P.show('details', false); P.el('lead').textContent = 'Link not valid.'; break;
      case 403: end('This request cannot be approved from where you are. If you did not start it, someone else may be trying to use your account.'); break;
      case 409: end('This request was answered already.'); break;
      case 410: end('This request expired. Go back to the application and try again.'); break;
      case 423: end('Too many failed attempts. Try again later.'); break;
      case 422: {
        const text = reasons[data.reason] || 'That did not work.';
        const left = typeof data.attempts_left === 'number' ? ' ' + data.attempts_left + (data.attempts_left === 1 ? ' attempt' : ' attempts') + ' left.' : '';
        P.message(text + left, data.reason);
        break;
      }
      default: P.message('Something went wrong (' + result.status + '). Try again.');
    }
  }

  function verified(data) {
    if (data.redirect) {
      location.replace(data.redirect);
      return;
    }
    P.show('methods', false);
    P.show('notice', false);
    P.message('');
    P.show('done', true);
    // No return_to: hand the token to the window that opened this one, but only when that
    // window is at an allowed origin (postMessage drops a message for any other target origin).
    if (window.opener && data.elevation && Array.isArray(data.opener_origins)) {
      const msg = { type: 'stepup:verified', challenge_id: id, token: data.elevation.token, expires_at: data.elevation.expires_at };
      data.opener_origins.forEach(function (origin) {
        try { window.opener.postMessage(msg, origin); } catch (e) { /* an origin that does not match is skipped */ }
      });
    }
  }

  async function answer(path, body) {
    body.return_to = returnTo;
    const result = await P.postJson(base + path, body, headers);
    if (result.ok && result.data && result.data.status === 'verified') verified(result.data);
    else problem(result);
  }

  async function usePasskey() {
    if (busy) return;
    setBusy(true);
    P.message('');
    try {
      const options = await P.postJson(base + 'webauthn/options', {}, headers);
      if (!options.ok) { problem(options); return; }
      let credential;
      try {
        credential = await navigator.credentials.get({ publicKey: P.requestOptions(options.data) });
      } catch (e) {
        P.message('The passkey was not used (' + (e && e.name ? e.name : 'error') + '). Try again, or use another method.', 'browser_' + (e && e.name ? e.name : 'error'));
        return;
      }
      await answer('webauthn', { credential: P.credentialJson(credential) });
    } finally {
      setBusy(false);
    }
  }

  function codeForm(formId, inputId, path) {
    P.el(formId).addEventListener('submit', async function (event) {
      event.preventDefault();
      if (busy) return;
      setBusy(true);
      P.message('');
      try {
        const input = P.el(inputId);
        await answer(path, { code: input.value.trim() });
        input.value = '';
      } finally {
        setBusy(false);
      }
    });
  }

  function render(state) {
    P.el('lead').textContent = 'An application asks you to confirm this action:';
    P.el('action').textContent = state.action;
    P.el('action').classList.add('action');
    P.el('resource').textContent = state.resource || '—';
    P.el('place').textContent = place(state.requested_from);
    const expires = new Date(state.expires_at);
    if (isNaN(expires)) {
      P.el('expires').textContent = state.expires_at;
    } else {
      const minutes = Math.max(0, Math.round((expires - Date.now()) / 60000));
      P.el('expires').textContent = expires.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + ' (in ' + minutes + ' min)';
    }
    P.show('details', true);

    switch (state.status) {
      case 'pending': break;
      case 'verified': end('This request was approved already.'); return;
      case 'expired': end('This request expired. Go back to the application and try again.'); return;
      case 'locked': end('Too many failed attempts. This request is locked.'); return;
      default: end('This request cannot be answered any more.'); return;
    }

    const usable = state.available_methods.filter(function (m) { return state.methods.indexOf(m) >= 0; });
    if (usable.length === 0) {
      end('You have no verification method set up that this action accepts. Ask the application to help you set one up.');
      return;
    }
    const passkey = usable.indexOf('webauthn') >= 0 && P.webAuthnAvailable();
    const totp = usable.indexOf('totp') >= 0;
    const recovery = usable.indexOf('recovery_code') >= 0;
    P.show('passkey', passkey);
    P.show('totp-form', totp);
    P.show('or', passkey && (totp || recovery));
    P.show('show-recovery', recovery && (passkey || totp));
    P.show('recovery-form', recovery && !passkey && !totp);
    P.show('notice', true);
    P.show('methods', true);
    if (usable.indexOf('webauthn') >= 0 && !P.webAuthnAvailable() && !totp && !recovery) {
      P.message('This browser does not support passkeys. Open the link in a current browser.');
    }
    if (state.attempts_left < state.max_attempts) P.message(state.attempts_left + ' attempts left.', null, 'info');
  }

  async function load() {
    if (!secret) { end('This link is incomplete. Open the full link the application gave you.'); P.el('lead').textContent = 'Link not valid.'; return; }
    const result = await P.postJson(base + 'state', {}, headers);
    if (!result.ok || !result.data) { problem(result); return; }
    render(result.data);
  }

  P.el('use-passkey').addEventListener('click', usePasskey);
  P.el('show-recovery').addEventListener('click', function () {
    P.show('recovery-form', true);
    P.show('show-recovery', false);
    P.el('recovery-code').focus();
  });
  codeForm('totp-form', 'totp-code', 'totp');
  codeForm('recovery-form', 'recovery-code', 'recovery');
  load();
})();
