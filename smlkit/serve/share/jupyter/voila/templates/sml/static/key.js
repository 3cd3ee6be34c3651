// The facilitator key box: typed as a password (a projected screen shows dots), with a button
// that shows the key while it is checked. Without this script the box simply stays hidden text.
(function () {
  "use strict";
  var box = document.getElementById("key");
  var button = document.querySelector(".sml-show-key");
  if (!box || !button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var showing = box.type === "text";
    box.type = showing ? "password" : "text";
    button.setAttribute("aria-pressed", showing ? "false" : "true");
    button.textContent = showing ? "Show the key" : "Hide the key";
    box.focus();
  });
})();
