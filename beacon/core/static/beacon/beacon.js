// Beacon's own script: small progressive enhancements only. Every page works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Bring keyboard and screen-reader users straight to a form's error summary.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
