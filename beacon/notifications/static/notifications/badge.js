// The navigation's notification count refreshes itself (htmx polls notifications:badge every
// 10 s, hx-trigger on #notification-count). This file only makes the poll polite: no request
// while the tab is hidden, one at once when it is shown again, and no swap (so no screen-reader
// announcement) when the count has not changed.
(function () {
  "use strict";
  var ID = "notification-count";
  function isBadge(evt) {
    return evt.detail && evt.detail.elt && evt.detail.elt.id === ID;
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (isBadge(evt) && document.hidden) { evt.preventDefault(); }
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (!isBadge(evt)) { return; }
    if (evt.detail.xhr.status !== 200) { return; } // a sign-out redirect is htmx's to follow
    if (evt.detail.serverResponse.trim() === evt.detail.elt.innerHTML.trim()) {
      evt.detail.shouldSwap = false;
    }
  });
  document.addEventListener("visibilitychange", function () {
    var badge = document.getElementById(ID);
    if (!document.hidden && badge && window.htmx) { window.htmx.trigger(badge, "beacon:wake"); }
  });
})();
