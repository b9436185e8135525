// Beacon's own script: small progressive enhancements only. Every page works without it.
(function () {
  "use strict";
  var DESK = "(min-width: 48em)";

  // The menu is a <details> folded on a phone (beacon.css, "Navigation"). At desk size the
  // stylesheet shows it anyway; opening it here as well covers browsers without
  // ::details-content. Escape folds it again and gives the focus back to its button.
  function menu() {
    var details = document.querySelector(".nav-menu");
    if (!details) { return; }
    var desk = window.matchMedia(DESK);
    var sync = function () { details.open = desk.matches; };
    sync();
    if (desk.addEventListener) { desk.addEventListener("change", sync); }
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open && !desk.matches) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    // Bring keyboard and screen-reader users straight to a form's error summary.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
