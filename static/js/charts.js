/* Usage charts: one tab stop per chart; arrow keys, Home and End move between its buckets,
   whose numbers show on focus through CSS (portal.css: .chart-bucket:focus .chart-tip). */
(function () {
  "use strict";
  if (window.portalCharts) { return; }
  window.portalCharts = true;
  document.addEventListener("keydown", function (event) {
    var bucket = event.target.closest && event.target.closest(".chart-bucket");
    if (!bucket) { return; }
    var all = Array.prototype.slice.call(bucket.ownerSVGElement.querySelectorAll(".chart-bucket"));
    var index = all.indexOf(bucket);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: all.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    next = Math.max(0, Math.min(all.length - 1, next));
    all.forEach(function (b, i) { b.setAttribute("tabindex", i === next ? "0" : "-1"); });
    all[next].focus();
  });
})();
