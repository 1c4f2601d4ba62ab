/* The one date format (docs/ui.md). The server renders <time datetime="…" data-local> in UTC
   ("5 Dec 2026, 03:00 UTC", the {% when %} tag); here it becomes the viewer's own time zone with
   the zone's label, and "3 min ago" where the tag asked for data-relative (the full time stays
   in the title, shown on hover and, with tabindex, on focus). A static file: the CSP forbids
   inline scripts. Loaded by base.html; the guard keeps it to one set of listeners. */
(function () {
  "use strict";
  if (window.portalLocalTime) { return; }
  var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", timeZoneName: "short" };
  var full = new Intl.DateTimeFormat("en-GB", options);
  var fullSeconds = new Intl.DateTimeFormat("en-GB", Object.assign({ second: "2-digit" }, options));
  var relative = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat("en", { numeric: "auto" }) : null;
  var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function ago(when) {
    var seconds = (when.getTime() - Date.now()) / 1000;
    if (!relative || Math.abs(seconds) < 45) { return "just now"; }
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1] || units[i][0] === "minute") {
        return relative.format(Math.round(seconds / units[i][1]), units[i][0]);
      }
    }
    return "just now";
  }
  function localise(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      // "5 Dec 2026, 03:00 CET": en-GB orders it day month year; the zone label is the viewer's.
      var text = (el.hasAttribute("data-seconds") ? fullSeconds : full).format(when).replace(" at ", ", ");
      el.title = text;
      el.textContent = el.hasAttribute("data-relative") ? ago(when) : text;
    });
  }
  window.portalLocalTime = { localise: localise };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(document); });
  } else {
    localise(document);
  }
  document.body.addEventListener("htmx:afterSettle", function (event) { localise(event.target); });
})();
