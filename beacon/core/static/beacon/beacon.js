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

  // A table that stacks on a phone (class "stack", beacon.css) shows each cell's label from
  // its data-label. Cells the template did not label get their column's heading here; a
  // heading that is only for screen readers (actions, links) labels nothing, nor does a cell
  // across the whole row ("Nobody matches").
  function tableLabels(root) {
    var tables = root.querySelectorAll("table.stack");
    for (var t = 0; t < tables.length; t++) {
      var head = tables[t].tHead && tables[t].tHead.rows[0];
      if (!head) { continue; }
      var labels = [];
      for (var h = 0; h < head.cells.length; h++) {
        var th = head.cells[h];
        var hidden = th.querySelector(".visually-hidden");
        var text = th.textContent.replace(/\s+/g, " ").trim();
        if (hidden && hidden.textContent.trim() === text) { text = ""; }
        for (var span = 0; span < (th.colSpan || 1); span++) { labels.push(text); }
      }
      for (var b = 0; b < tables[t].tBodies.length; b++) {
        var rows = tables[t].tBodies[b].rows;
        for (var r = 0; r < rows.length; r++) {
          var column = 0;
          for (var c = 0; c < rows[r].cells.length; c++) {
            var cell = rows[r].cells[c];
            var whole = (cell.colSpan || 1) >= labels.length;
            if (cell.tagName === "TD" && !whole && !cell.hasAttribute("data-label") && labels[column]) {
              cell.setAttribute("data-label", labels[column]);
            }
            column += cell.colSpan || 1;
          }
        }
      }
    }
  }

  // A consent recipient's "Find in the directory" box: Enter finds with that row's own
  // button (without this script Enter presses the form's first button).
  function directoryFind() {
    document.addEventListener("keydown", function (event) {
      var box = event.target;
      if (event.key !== "Enter" || !box.closest || !box.closest(".directory-find")) { return; }
      if (box.tagName !== "INPUT" || box.type !== "search") { return; }
      var button = box.closest(".directory-find").querySelector("button[name=find_recipient]");
      if (button) { event.preventDefault(); button.click(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    directoryFind();
    tableLabels(document);
    // Bring keyboard and screen-reader users straight to a form's error summary.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // Tables htmx swaps in (search results, lists) get their labels too.
  document.addEventListener("htmx:afterSettle", function () { tableLabels(document); });
})();
