// StepUp hosted enrolment page: registers a passkey or an authenticator app for the link's subject.
'use strict';
(function () {
  const P = window.StepUpPage;
  const token = P.el('enroll').dataset.token;
  const base = encodeURIComponent(token) + '/';
  let busy = false;
  let totpFactor = null;

  const reasons = {
    invalid_code: 'That code is not right. Check the time on your device and try the next code.',
    webauthn_credential_in_use: 'This passkey is registered already.'
  };

  function setBusy(value) {
    busy = value;
    document.querySelectorAll('main button').forEach(function (b) { b.disabled = value; });
  }

  function problem(result) {
    const data = result.data || {};
    switch (result.status) {
      case 0: P.message('StepUp cannot be reached. Check your connection and try again.'); break;
      case 404: finish(false); P.message('This link is not valid any more. Ask the application for a new one.'); break;
      case 403: finish(false); P.message('This account has a verification method already.'); break;
      case 422: P.message(reasons[data.reason] || 'That did not work. Try again.', data.reason); break;
      default: P.message('Something went wrong (' + result.status + '). Try again.');
    }
  }

  function finish(ok) {
    P.show('choices', false);
    P.show('totp', false);
    P.message('');
    if (ok) P.show('done', true);
  }

  async function addPasskey() {
    if (busy) return;
    setBusy(true);
    P.message('');
    try {
      const options = await P.postJson(base + 'webauthn/options', {});
      if (!options.ok) { problem(options); return; }
      let credential;
      try {
        credential = await navigator.credentials.create({ publicKey: P.creationOptions(options.data) });
      } catch (e) {
        P.message('No passkey was created (' + (e && e.name ? e.name : 'error') + '). Try again, or use an authenticator app.', 'browser_' + (e && e.name ? e.name : 'error'));
        return;
      }
      const result = await P.postJson(base + 'webauthn', { credential: P.credentialJson(credential), name: 'Passkey' });
      if (result.ok) finish(true); else problem(result);
    } finally {
      setBusy(false);
    }
  }

  async function startTotp() {
    if (busy) return;
    setBusy(true);
    P.message('');
    try {
      const result = await P.postJson(base + 'totp', {});
      if (!result.ok) { problem(result); return; }
      totpFactor = result.data.factor_id;
      P.el('totp-qr').src = result.data.qr;
      P.el('totp-secret').textContent = result.data.secret.replace(/(.{4})/g, '$1 ').trim();
      P.show('choices', false);
      P.show('totp', true);
      P.el('totp-code').focus();
    } finally {
      setBusy(false);
    }
  }

  P.el('totp-form').addEventListener('submit', async function (event) {
    event.preventDefault();
    if (busy || !totpFactor) return;
    setBusy(true);
    P.message('');
    try {
      const input = P.el('totp-code');
      const result = await P.postJson(base + 'totp/' + encodeURIComponent(totpFactor) + '/activate', { code: input.value.trim() });
      input.value = '';
      if (result.ok) finish(true); else problem(result);
    } finally {
      setBusy(false);
    }
  });

  P.show('passkey', P.webAuthnAvailable());
  P.el('add-passkey').addEventListener('click', addPasskey);
  P.el('start-totp').addEventListener('click', startTotp);
})();
