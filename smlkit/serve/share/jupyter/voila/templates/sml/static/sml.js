// The SML Workbook's page script: small, local, no dependencies.
// 1. Voila's lab shell is moved into the page's <main> landmark, so the page reads as one document.
// 2. Radio groups are announced with their question (role=radiogroup, labelled by the field label).
// 3. Error-summary links move focus to the field they name (GOV.UK pattern).
// 4. A newly shown error summary takes focus so screen-reader users hear it at once.
// 5. A download link a dashboard has just prepared is followed once, so one press downloads.
// 6. New content a dashboard marks with data-smlkit-focus="<token>" takes focus once (e.g. the
//    feedback after a choice in the rehearsal), so keyboard and screen-reader users land on it.
// 7. Groups of controls (checkboxes, ranking rows) are announced with their question (role=group);
//    each ranking button's name says which option it moves ("Move up: Reading").
// 8. The session navigation marks the session this page belongs to (aria-current).
// 9. Text boxes take at most MAX_TYPED characters, so a huge paste cannot make a message the
//    server drops (the kernel checks each field's own, smaller limit and says so).
// 10. A file larger than an upload's limit (its class smlkit-max-bytes-N) is refused in the page
//     with a message beside the button, before any of it is sent (a big file would drop the
//     connection to the server before the server could say anything).
// 11. An upload button (smlkit-upload) shows its description only: ipywidgets adds how many files it
//     holds, "(0)", each time it draws the button, which reads as a fault; the count is taken off.
(function () {
  "use strict";

  function adoptShell() {
    var main = document.getElementById("sml-main");
    var shell = document.getElementById("main");
    if (main && shell && shell.classList.contains("jp-LabShell") && shell.parentNode !== main) {
      main.appendChild(shell);
    }
  }

  var groupCount = 0;
  function labelRadioGroups() {
    document.querySelectorAll(".widget-radio").forEach(function (radio) {
      var box = radio.querySelector(".widget-radio-box");
      var label = radio.querySelector(":scope > .widget-label");
      if (!box || !label || box.getAttribute("role") === "radiogroup") { return; }
      if (!label.id) { groupCount += 1; label.id = "smlkit-group-label-" + groupCount; }
      box.setAttribute("role", "radiogroup");
      box.setAttribute("aria-labelledby", label.id);
    });
    // One Tab stop per question, arrow keys to move, as native radio groups: ipywidgets gives its
    // radio inputs no name, so each was a Tab stop of its own. The browser fires "click" when an
    // arrow key checks a radio, which is what the widget listens for. (Options can be redrawn, so
    // every input of a box is named each time.)
    document.querySelectorAll(".widget-radio-box").forEach(function (box) {
      if (!box.dataset.smlkitName) { groupCount += 1; box.dataset.smlkitName = "smlkit-radio-" + groupCount; }
      box.querySelectorAll('input[type="radio"]').forEach(function (input) {
        if (input.name !== box.dataset.smlkitName) { input.name = box.dataset.smlkitName; }
      });
    });
  }

  // A table wider than the screen scrolls in its own box (not the page): the box can be reached
  // with the keyboard, is named by the table's caption and shows a cue that there is more.
  function scrollWideTables() {
    document.querySelectorAll("#sml-main .widget-html-content").forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) { return; }
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("smlkit-scrolls", wide);
      if (wide && !box.hasAttribute("tabindex")) {
        var caption = table.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Table") + " (scrolls sideways)");
      } else if (!wide && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  var labelCount = 0;
  function labelGroups() {
    document.querySelectorAll(".smlkit-group").forEach(function (group) {
      var label = group.querySelector(".smlkit-group-label");
      if (!label) { return; }
      if (!label.id) { labelCount += 1; label.id = "smlkit-grouplabel-" + labelCount; }
      if (group.getAttribute("role") !== "group") { group.setAttribute("role", "group"); }
      if (group.getAttribute("aria-labelledby") !== label.id) { group.setAttribute("aria-labelledby", label.id); }
    });
    document.querySelectorAll(".smlkit-rank-row").forEach(function (row) {
      var option = row.querySelector(".smlkit-rank-text");
      if (!option) { return; }
      row.querySelectorAll("button").forEach(function (btn) {
        var name = btn.textContent.trim() + ": " + option.textContent.trim();
        if (btn.getAttribute("aria-label") !== name) { btn.setAttribute("aria-label", name); }
      });
    });
  }

  var seenSummaries = new WeakSet();
  function focusNewSummaries() {
    document.querySelectorAll(".smlkit-summary-box").forEach(function (box) {
      if (!seenSummaries.has(box)) {
        seenSummaries.add(box);
        box.focus();
      }
    });
  }

  var followed = new Set();
  function followNewDownloads() {
    document.querySelectorAll("a[data-smlkit-autodownload]").forEach(function (link) {
      var token = link.getAttribute("data-smlkit-autodownload");
      if (!followed.has(token)) {
        followed.add(token);
        link.click();
      }
    });
  }

  // A token is done once its content has focus. Content can arrive before the box around it is
  // shown (the value and the box's display come in separate messages, a frame apart on a busy
  // server or a slow phone), and a hidden element cannot take focus: it is tried again as the page
  // changes, for up to FOCUS_WAIT_MS after it was first seen, so it never takes focus much later.
  var FOCUS_WAIT_MS = 3000;
  var focusedTokens = new Set();
  var focusSeen = new Map();
  function focusMarkedContent() {
    var now = Date.now();
    document.querySelectorAll("[data-smlkit-focus]").forEach(function (element) {
      var token = element.getAttribute("data-smlkit-focus");
      if (!token || focusedTokens.has(token)) { return; }
      if (!focusSeen.has(token)) { focusSeen.set(token, now); }
      element.focus({ preventScroll: true });
      var took = document.activeElement === element;
      if (took) { element.scrollIntoView({ block: "start" }); }
      if (took || now - focusSeen.get(token) > FOCUS_WAIT_MS) {
        focusedTokens.add(token);
        focusSeen.delete(token);
      }
    });
  }

  // The session this page belongs to is marked in the session navigation.
  function markCurrentSession() {
    var page = decodeURIComponent(window.location.pathname.split("/").pop() || "");
    var wanted = new URLSearchParams(window.location.search).get("session");
    var links = Array.prototype.slice.call(document.querySelectorAll(".sml-sessions a[data-smlkit-notebooks]"));
    var mine = links.filter(function (link) {
      return (link.getAttribute("data-smlkit-notebooks") || "").split(" ").indexOf(page) >= 0;
    });
    var chosen = mine.filter(function (link) { return link.getAttribute("data-smlkit-session") === wanted; })[0] || mine[0];
    links.forEach(function (link) {
      if (link === chosen) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    });
    // On a phone the sessions are one row that scrolls sideways: bring this page's session into it.
    var row = chosen && chosen.closest("ol");
    if (row && row.scrollWidth > row.clientWidth) {
      row.scrollLeft = Math.max(0, chosen.offsetLeft - (row.clientWidth - chosen.offsetWidth) / 2);
    }
  }

  var MAX_TYPED = "10000";
  function limitTyping() {
    document.querySelectorAll(".smlkit-field textarea, .smlkit-field input[type=text]").forEach(function (box) {
      if (box.getAttribute("maxlength") !== MAX_TYPED) { box.setAttribute("maxlength", MAX_TYPED); }
    });
  }

  var UPLOAD_COUNT = /\s*\(\d+\)\s*$/;
  function hideUploadCounts() {
    document.querySelectorAll(".smlkit-upload").forEach(function (upload) {
      upload.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE && UPLOAD_COUNT.test(node.data)) {
          node.data = node.data.replace(UPLOAD_COUNT, "");  // a text change, so the observer is not woken again
        }
      });
    });
  }

  function tidy() {
    adoptShell();
    hideUploadCounts();
    limitTyping();
    labelRadioGroups();
    scrollWideTables();
    labelGroups();
    focusNewSummaries();
    followNewDownloads();
    focusMarkedContent();
  }
  markCurrentSession();

  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; tidy(); });
  // Styles too: a box shown (its display) may hold content waiting to take focus.
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["style"] });
  tidy();
  window.addEventListener("resize", function () { window.requestAnimationFrame(scrollWideTables); });

  function uploadLimit(upload) {
    var found = /(?:^|\s)smlkit-max-bytes-(\d+)(?:\s|$)/.exec(upload.className);
    return found ? parseInt(found[1], 10) : null;
  }

  function megabytes(bytes) { return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "") + " MB"; }

  // ipywidgets' upload button opens a file input it never puts in the page, so a size check has to
  // sit on that input itself: the first time the button opens it, a capturing "change" listener is
  // added, which runs before the widget's own and stops it reading a file over the limit.
  var lastUpload = null;
  document.addEventListener("click", function (event) {
    lastUpload = (event.target && event.target.closest) ? event.target.closest(".smlkit-upload") : null;
  }, true);

  function refuseIfTooBig(event, upload, limit) {
    var input = event.target;
    var old = upload.parentNode && upload.parentNode.querySelector(":scope > .smlkit-upload-refused");
    if (old) { old.remove(); }
    var tooBig = Array.prototype.filter.call(input.files || [], function (f) { return f.size > limit; })[0];
    if (!tooBig) { return; }
    event.stopImmediatePropagation();  // the upload widget never reads or sends it
    input.value = "";
    var note = document.createElement("p");
    note.className = "smlkit-upload-refused smlkit-problem";
    note.setAttribute("role", "alert");
    note.textContent = tooBig.name + " is " + megabytes(tooBig.size) + ", larger than the " + megabytes(limit) +
      " a file here can be. Nothing was sent. Save a smaller file (for example only the columns needed), " +
      "then choose it again.";
    upload.insertAdjacentElement("afterend", note);
  }

  var openPicker = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    var upload = lastUpload;
    var limit = upload && uploadLimit(upload);
    if (this.type === "file" && limit && !this.smlkitSizeChecked) {
      this.smlkitSizeChecked = true;
      this.addEventListener("change", function (event) { refuseIfTooBig(event, upload, limit); }, true);
    }
    return openPicker.apply(this, arguments);
  };

  function fieldControl(name) {
    var field = document.querySelector(".smlkit-field-" + CSS.escape(name));
    if (!field) { return null; }
    return field.querySelector("input:not([type=hidden]):not(:disabled), textarea, select, button");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-smlkit-field]");
    if (!link) { return; }
    var control = fieldControl(link.getAttribute("data-smlkit-field"));
    if (control) {
      event.preventDefault();
      control.focus();
      control.scrollIntoView({ block: "center" });
    }
  });
})();
