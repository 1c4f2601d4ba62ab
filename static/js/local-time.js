/* Show <time data-local datetime="…"> in the viewer's own time zone (the server renders UTC).
   A static file: the Content-Security-Policy forbids inline scripts. Re-run after htmx swaps. */
(function () {
  "use strict";
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
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { localise(event.target); });
})();
