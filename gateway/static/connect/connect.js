/* The Connect UI's script (the page works without it): the OAuth popup, and @nangohq/frontend's iframe protocol.
 *
 * In an iframe it posts to window.parent {type: "ready"} once loaded (from outside this UI), {type: "connect",
 * payload: {providerConfigKey, connectionId}} after a success, {type: "error", payload: {errorType,
 * errorMessage}} when a provider or the server refuses, and {type: "close"} when the user closes it; it takes the
 * parent's {type: "session_token", sessionToken}. The payloads hold no secret. */
(function () {
  "use strict";
  var framed = window.parent !== window;
  var page = document.body.dataset.page;
  var token = document.body.dataset.token || "";
  var base = location.pathname.replace(/\/(done|forms\/[^/]*)?\/?$/, "");
  var TOKEN = /^nango_connect_session_[0-9a-f]{64}$/;

  function post(message) {
    if (framed) { window.parent.postMessage(message, "*"); }
  }
  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }
  function fromThisUI() {
    try { return document.referrer !== "" && new URL(document.referrer).origin === location.origin; } catch (e) { return false; }
  }
  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function say(section, text, isError) {
    var note = section.querySelector("[data-note]");
    if (!note) {
      note = document.createElement("p");
      note.setAttribute("data-note", "");
      section.querySelector(".choice-head").insertAdjacentElement("afterend", note);
    }
    var old = section.querySelector("p.error:not([data-note])");
    if (old) { old.remove(); }
    note.className = isError ? "error" : "status";
    note.setAttribute("role", isError ? "alert" : "status");
    note.textContent = text;
  }

  if (framed) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-close]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { post({ type: "close" }); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-standalone]"), function (el) { el.hidden = true; });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { post({ type: "close" }); }
    });
    window.addEventListener("message", function (event) {
      var message = event.data;
      if (event.source !== window.parent || !message || message.type !== "session_token") { return; }
      var given = String(message.sessionToken || "");
      if (TOKEN.test(given) && given !== token) {
        location.replace(base + "?session_token=" + encodeURIComponent(given));
      }
    });
    if (page === "shell" || (page === "list" && !fromThisUI())) { post({ type: "ready" }); }
  }

  var connected = data("connect-event");
  if (connected) {
    post(connected);
    var opener = data("opener-message");
    if (opener && window.opener) { window.opener.postMessage(opener, "*"); }
  }
  var failed = data("connect-error");
  if (failed && fromThisUI()) { post(failed); }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-oauth]"), function (form) {
    form.addEventListener("submit", function (event) {
      var key = form.dataset.oauth;
      var section = form.closest("section");
      var connectionId = form.dataset.connectionId || uuid();
      var query = new URLSearchParams(new FormData(form));
      query.set("connection_id", connectionId);
      var width = 600, height = 720;
      var left = Math.max(0, (screen.width - width) / 2), top = Math.max(0, (screen.height - height) / 2);
      var features = "popup,width=" + width + ",height=" + height + ",left=" + left + ",top=" + top;
      var popup = window.open(form.action + "?" + query.toString(), "unigate-connect-" + key, features);
      if (!popup) { return; }  /* blocked: the form takes this window to the provider instead */
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say(section, "Finish in the window that opened.", false);
      var finished = false;
      function finish() {
        finished = true;
        button.disabled = false;
        window.removeEventListener("message", onMessage);
        clearInterval(watch);
      }
      function onMessage(event) {
        var message = event.data;
        if (event.source !== popup || !message || typeof message.type !== "string") { return; }
        if (message.type === "nango_oauth_callback_success") {
          finish();
          popup.postMessage({ type: "nango_oauth_callback_ack" }, "*");
          var done = new URLSearchParams({ session_token: token, integration: key, connection_id: connectionId });
          location.assign(base + "/done?" + done.toString());
        } else if (message.type === "nango_oauth_callback_error") {
          finish();
          popup.postMessage({ type: "nango_oauth_callback_ack" }, "*");
          var payload = message.payload || {};
          var text = String(payload.message || "The provider did not connect the account.");
          say(section, text, true);
          post({ type: "error", payload: { errorType: String(payload.errorType || "unknown_error"), errorMessage: text } });
        }
      }
      window.addEventListener("message", onMessage);
      var watch = setInterval(function () {
        if (popup.closed && !finished) {
          finish();
          say(section, "The window was closed before the account was connected.", true);
        }
      }, 500);
    });
  });
})();
