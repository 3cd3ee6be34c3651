// Nothing typed is lost when the connection to the workshop is: the page keeps what a person
// types on this device, notices when its kernel has gone, says so, reconnects, and puts the
// typing back into the fresh page.
//
// 1. Every change to a form field (text, radio, checkbox, drop-down) is kept in localStorage,
//    keyed by the page's address, until the server confirms a save: a status the kernel marks
//    with data-smlkit-saved="<token>" clears the kept values that the page now shows.
// 2. The page has lost its kernel when its widgets are marked disconnected (the kernel died,
//    was culled, or the network dropped) for a few seconds, or the kernel says it is dead.
//    A banner (role="alert") says so; a press on a button then says "not saved" instead of
//    doing nothing, because nothing can reach the server.
// 3. Every few seconds the page asks the server whether its kernel is still there (a kernel can
//    die, or be culled while a laptop sleeps, without the page noticing), from the moment the
//    page names its kernel: one that goes before its widgets have arrived would otherwise leave
//    a blank page. Once lost, it checks, with a deadline on each try, whether the server answers
//    again; then it reloads, which starts a fresh kernel. A page that never got ready reloads
//    itself at most MAX_EARLY_RELOADS times in a row, then asks the person to reload it.
// 4. Once the fresh page is ready (smlkit-ready), the kept values are put back into their
//    fields, as if typed, and the banner says so: "press Save to keep it".
(function () {
  "use strict";

  var KEY = "smlkit-kept:" + window.location.pathname;
  var MAX_VALUE = 10000;
  var MAX_KEPT_MS = 24 * 3600 * 1000;
  var LOST_AFTER_MS = 4000;
  var CHECK_EVERY_MS = 3000;
  var TRY_TIMEOUT_MS = 8000;
  var MAX_EARLY_RELOADS = 3;
  var EARLY_KEY = "smlkit-early-reloads:" + window.location.pathname;

  // -- keeping ---------------------------------------------------------------------------------

  function read() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      if (!kept || typeof kept !== "object" || Date.now() - (kept.at || 0) > MAX_KEPT_MS) { return { at: 0, fields: {} }; }
      kept.fields = kept.fields || {};
      return kept;
    } catch (e) {
      return { at: 0, fields: {} };
    }
  }

  function write(kept) {
    kept.at = Date.now();
    try {
      if (Object.keys(kept.fields).length === 0) { window.localStorage.removeItem(KEY); }
      else { window.localStorage.setItem(KEY, JSON.stringify(kept)); }
    } catch (e) { /* storage full or off: the server-side draft still holds what was sent */ }
  }

  function fieldName(control) {
    var field = control.closest && control.closest(".smlkit-field");
    if (!field) { return null; }
    var found = /(?:^|\s)smlkit-field-([\w-]+)(?:\s|$)/.exec(field.className);
    return found ? found[1] : null;
  }

  function valueOf(control) {
    if (control.type === "radio") {
      var label = control.closest("label");
      return { kind: "radio", value: label ? label.textContent.trim() : control.value };
    }
    if (control.type === "checkbox") { return { kind: "checkbox", value: !!control.checked }; }
    if (control.tagName === "SELECT") {
      var option = control.options[control.selectedIndex];
      return { kind: "select", value: option ? option.textContent.trim() : "" };
    }
    return { kind: "text", value: String(control.value || "").slice(0, MAX_VALUE) };
  }

  function keep(event) {
    var control = event.target;
    if (!control || !control.closest || !control.closest("#sml-main")) { return; }
    if (!/^(INPUT|TEXTAREA|SELECT)$/.test(control.tagName) || control.type === "file" || control.type === "password") { return; }
    var name = fieldName(control);
    if (!name) { return; }
    var kept = read();
    kept.fields[name] = valueOf(control);
    write(kept);
  }
  document.addEventListener("input", keep, true);
  document.addEventListener("change", keep, true);

  function controlFor(name) {
    var field = document.querySelector(".smlkit-field-" + CSS.escape(name));
    return field ? field.querySelector("textarea, input:not([type=hidden]):not([type=file]), select") : null;
  }

  function shownValue(name, kind) {
    var field = document.querySelector(".smlkit-field-" + CSS.escape(name));
    if (!field) { return undefined; }
    if (kind === "radio") {
      var checked = field.querySelector("input[type=radio]:checked");
      var label = checked && checked.closest("label");
      return label ? label.textContent.trim() : "";
    }
    var control = controlFor(name);
    if (!control) { return undefined; }
    return valueOf(control).value;
  }

  // The server confirmed a save: forget what it now holds (what the page shows).
  var seenSaves = new Set();
  function forgetSaved() {
    var marks = document.querySelectorAll("[data-smlkit-saved]");
    var fresh = false;
    marks.forEach(function (mark) {
      var token = mark.getAttribute("data-smlkit-saved");
      if (!seenSaves.has(token)) { seenSaves.add(token); fresh = true; }
    });
    if (!fresh || !ready) { return; }
    var kept = read();
    Object.keys(kept.fields).forEach(function (name) {
      var entry = kept.fields[name];
      if (shownValue(name, entry.kind) === entry.value) { delete kept.fields[name]; }
    });
    write(kept);
  }

  // -- putting it back ---------------------------------------------------------------------------

  function put(name, entry) {
    var field = document.querySelector(".smlkit-field-" + CSS.escape(name));
    if (!field) { return false; }
    if (entry.kind === "radio") {
      var radios = field.querySelectorAll("input[type=radio]");
      for (var i = 0; i < radios.length; i += 1) {
        var label = radios[i].closest("label");
        if (label && label.textContent.trim() === entry.value) {
          if (!radios[i].checked) { radios[i].click(); }
          return true;
        }
      }
      return false;
    }
    var control = controlFor(name);
    if (!control || control.disabled) { return false; }
    if (entry.kind === "checkbox") {
      if (control.checked !== entry.value) { control.click(); }
      return true;
    }
    if (entry.kind === "select") {
      for (var j = 0; j < control.options.length; j += 1) {
        if (control.options[j].textContent.trim() === entry.value) {
          control.selectedIndex = j;
          control.dispatchEvent(new Event("change", { bubbles: true }));
          return true;
        }
      }
      return false;
    }
    if (control.value === entry.value) { return true; }
    control.value = entry.value;
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  var ready = false;
  function restore() {
    var kept = read();
    var names = Object.keys(kept.fields);
    var back = 0;
    names.forEach(function (name) {
      var entry = kept.fields[name];
      if (shownValue(name, entry.kind) !== entry.value && put(name, entry)) { back += 1; }
    });
    if (back > 0) {
      say("smlkit-restored", "status",
        "What you typed before the connection was lost is back in the form. Press Save to keep it.");
    }
  }

  // -- noticing a lost kernel ------------------------------------------------------------------

  var banner = null;
  function say(kind, role, text) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "smlkit-connection";
      var main = document.getElementById("sml-main");
      (main || document.body).insertAdjacentElement("afterbegin", banner);
    }
    banner.className = "smlkit-connection " + kind;
    banner.setAttribute("role", role);
    banner.textContent = text;
  }

  var lostSince = 0;
  var lost = false;
  var probeFailures = 0;
  var kernelMissing = false;
  var found = /"kernelId": "([0-9a-f-]{36})"/.exec(document.documentElement.innerHTML);
  var kernelId = found ? found[1] : "";

  function base() {
    return (document.body.getAttribute("data-base-url") || "/voila/").replace(/voila\/$/, "");
  }

  function fetchWithin(url) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, TRY_TIMEOUT_MS);
    return window.fetch(url, { cache: "no-store", signal: controller.signal, credentials: "same-origin" })
      .then(function (r) { window.clearTimeout(timer); return r.status; })
      .catch(function () { window.clearTimeout(timer); return 0; });
  }

  // The kernel can die, or be culled while a laptop sleeps, with the page none the wiser: ask
  // the server now and then whether this page's kernel is still there.
  function probeKernel() {
    if (lost || !kernelId) { return; }
    fetchWithin(base() + "api/kernels/" + kernelId).then(function (status) {
      kernelMissing = status === 404;
      probeFailures = status === 0 ? probeFailures + 1 : 0;
    });
  }
  window.setInterval(probeKernel, CHECK_EVERY_MS);

  function kernelGone() {
    if (!ready) { return kernelMissing; }  // still loading: only the server's word that it has gone
    if (kernelMissing || probeFailures >= 2) { return true; }
    var root = document.querySelector(".smlkit-ready");
    if (!root || root.classList.contains("jupyter-widgets-disconnected")) { return true; }
    return !!document.querySelector("#sml-main .jupyter-widgets-disconnected");
  }

  function reconnect() {
    fetchWithin(base()).then(function (status) {
      if (status >= 200 && status < 400) {
        say("smlkit-lost", "alert", "The connection to the workshop is back. Reloading the page; what you typed will be put back…");
        window.location.reload();
      } else {
        window.setTimeout(reconnect, CHECK_EVERY_MS);
      }
    });
  }

  function earlyReloads() {
    try { return parseInt(window.sessionStorage.getItem(EARLY_KEY) || "0", 10) || 0; } catch (e) { return 0; }
  }

  function countEarlyReload() {
    try { window.sessionStorage.setItem(EARLY_KEY, String(earlyReloads() + 1)); } catch (e) { /* private mode */ }
  }

  function watch() {
    if (lost) { return; }
    if (kernelGone()) {
      if (!lostSince) { lostSince = Date.now(); }
      if (kernelMissing || Date.now() - lostSince >= LOST_AFTER_MS) {
        lost = true;
        if (!ready && earlyReloads() >= MAX_EARLY_RELOADS) {
          say("smlkit-lost", "alert",
            "The workshop could not finish opening this page. Reload the page to try again, or tell the facilitator.");
          return;
        }
        if (!ready) { countEarlyReload(); }
        say("smlkit-lost", "alert",
          "The connection to the workshop was lost. Your typing is kept on this device; reconnecting…");
        reconnect();
      }
    } else {
      lostSince = 0;
    }
  }
  window.setInterval(watch, 1000);

  // A press on a button cannot reach the server now: say so rather than seem to do nothing.
  document.addEventListener("click", function (event) {
    if (!lost) { return; }
    var button = event.target.closest && event.target.closest("#sml-main button");
    if (!button) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    say("smlkit-lost", "alert",
      "Not saved: the connection to the workshop was lost. Your typing is kept on this device; " +
      "the page reconnects by itself and puts it back.");
  }, true);

  new MutationObserver(function () {
    if (!ready && document.querySelector(".smlkit-ready")) {
      ready = true;
      try { window.sessionStorage.removeItem(EARLY_KEY); } catch (e) { /* private mode */ }
      window.setTimeout(restore, 50);
    }
    forgetSaved();
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class", "data-smlkit-saved"] });
})();
