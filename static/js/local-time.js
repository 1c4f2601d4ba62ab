/* Show <time data-local datetime="…"> in the viewer's own time zone (the server renders UTC).
   A static file: the Content-Security-Policy forbids inline scripts. Re-run after htmx swaps.
   Pages include it in their content, and htmx re-runs <script> tags it swaps in: the guard keeps
   it to one htmx:afterSettle listener however often it is loaded. */
(function () {
  "use strict";
  if (window.portalLocalTime) { return; }
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  function localise(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      if (!el.title) { el.title = el.textContent.trim(); }  // keep UTC on hover
      el.textContent = format.format(when);
    });
  }
  window.portalLocalTime = { localise: localise };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(document); });
  } else {
    localise(document);  // first loaded by an htmx swap, after DOMContentLoaded
  }
  document.body.addEventListener("htmx:afterSettle", function (event) { localise(event.target); });
})();
