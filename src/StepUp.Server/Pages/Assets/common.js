// StepUp hosted pages: helpers shared by challenge.js and enroll.js (no framework, no CDN).
'use strict';
(function () {
  function decode(text) {
    let s = text.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    const binary = atob(s);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function encode(buffer) {
    if (!buffer) return undefined;
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: decode(c.id) }); });
  }

  // WebAuthn L3 JSON helpers, with a fallback for browsers without parse*FromJSON / toJSON.
  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, { challenge: decode(json.challenge), allowCredentials: descriptors(json.allowCredentials) });
  }

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: decode(json.challenge),
      user: Object.assign({}, json.user, { id: decode(json.user.id) }),
      excludeCredentials: descriptors(json.excludeCredentials)
    });
  }

  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const response = { clientDataJSON: encode(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = encode(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = encode(r.authenticatorData);
      response.signature = encode(r.signature);
      if (r.userHandle) response.userHandle = encode(r.userHandle);
    }
    return {
      id: credential.id, rawId: encode(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(), response: response
    };
  }

  async function postJson(url, body, headers) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST', credentials: 'omit', cache: 'no-store', redirect: 'error',
        headers: Object.assign({ 'Content-Type': 'application/json' }, headers || {}),
        body: JSON.stringify(body || {})
      });
    } catch (e) {
      return { status: 0, ok: false, data: null };
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, ok: response.ok, data: data };
  }

  function el(id) { return document.getElementById(id); }

  function show(id, visible) { el(id).hidden = !visible; }

  function message(text, reason, kind) {
    const m = el('message');
    m.textContent = text || '';
    m.hidden = !text;
    m.classList.toggle('info', kind === 'info');
    if (reason) m.dataset.reason = reason; else delete m.dataset.reason;
  }

  function webAuthnAvailable() {
    return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
  }

  window.StepUpPage = {
    requestOptions: requestOptions, creationOptions: creationOptions, credentialJson: credentialJson,
    postJson: postJson, el: el, show: show, message: message, webAuthnAvailable: webAuthnAvailable
  };
})();
