// Passkeys: the browser's half of adding one and of signing in with one (WebAuthn). Beacon's
// half is beacon/accounts/passkeys.py (py_webauthn). Without WebAuthn (or without this
// script) the pages say so and password sign-in works as ever.
(function () {
  "use strict";

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials &&
              navigator.credentials.create && navigator.credentials.get &&
              window.isSecureContext !== false);
  }

  // base64url <-> ArrayBuffer, for the options the server sends and the answer it expects.
  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }
  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBuffer(item.id), transports: item.transports };
    });
  }

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, token, body, json) {
    var headers = { "X-CSRFToken": token, "Accept": "application/json" };
    if (json) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {
      method: "POST", credentials: "same-origin", headers: headers,
      body: json ? JSON.stringify(body) : body
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || "");
          error.field = data.error && data.error.field;
          error.fromServer = true;
          throw error;
        }
        return data;
      });
    });
  }

  // What to say when the browser refused: its error names, not its (English-only) messages.
  function say(form, region, error) {
    var text = form.dataset.msgFailed;
    if (error.fromServer && error.message) { text = error.message; }
    else if (error.name === "NotAllowedError" || error.name === "AbortError") { text = form.dataset.msgCancelled; }
    else if (error.name === "InvalidStateError" && form.dataset.msgExists) { text = form.dataset.msgExists; }
    else if (error.name === "SecurityError") { text = form.dataset.msgAddress; }
    region.textContent = text;
    region.hidden = false;
  }

  function busy(form, on) {
    var button = form.querySelector("button[type=submit], button[data-passkey-go]");
    if (button) { button.disabled = on; button.setAttribute("aria-busy", on ? "true" : "false"); }
  }

  function register(form) {
    var region = form.querySelector("[data-passkey-error]");
    var name = form.querySelector("input[name=name]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      region.textContent = ""; region.hidden = true;
      name.removeAttribute("aria-invalid");
      if (!name.value.trim()) {
        // The server says the same; asking here saves a trip.
        say(form, region, { fromServer: true, message: form.dataset.msgName });
        name.setAttribute("aria-invalid", "true");
        name.focus();
        return;
      }
      busy(form, true);
      var body = new FormData(form);
      post(form.dataset.optionsUrl, csrf(form), body, false).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        return navigator.credentials.create({ publicKey: options });
      }).then(function (credential) {
        var response = credential.response;
        return post(form.dataset.finishUrl, csrf(form), {
          credential: {
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
              clientDataJSON: toText(response.clientDataJSON),
              attestationObject: toText(response.attestationObject),
              transports: response.getTransports ? response.getTransports() : []
            }
          }
        }, true);
      }).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (error) {
        busy(form, false);
        say(form, region, error);
        if (error.field === "name") { name.setAttribute("aria-invalid", "true"); name.focus(); }
      });
    });
  }

  function signIn(form) {
    var region = form.querySelector("[data-passkey-error]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      region.textContent = ""; region.hidden = true;
      busy(form, true);
      var body = new FormData(form);
      post(form.dataset.optionsUrl, csrf(form), body, false).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) {
        var response = credential.response;
        return post(form.dataset.finishUrl, csrf(form), {
          credential: {
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
              clientDataJSON: toText(response.clientDataJSON),
              authenticatorData: toText(response.authenticatorData),
              signature: toText(response.signature),
              userHandle: toText(response.userHandle)
            }
          }
        }, true);
      }).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (error) {
        busy(form, false);
        say(form, region, error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!supported()) { return; }
    document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
      note.hidden = true;
    });
    document.querySelectorAll("form[data-passkey-register]").forEach(function (form) {
      form.hidden = false;
      register(form);
    });
    document.querySelectorAll("form[data-passkey-sign-in]").forEach(function (form) {
      form.hidden = false;
      signIn(form);
    });
  });
})();
