/* Logs page: the viewer's time zone for typed dates, and the live tail.
   A static file (the CSP forbids inline scripts); re-binds after htmx swaps the results.

   Live tail: polls the tail URL for entries newer than the newest shown, every POLL_MS; skips
   entries already on the page (by data-key), inserts the rest newest on top in order, keeps at
   most KEEP rows, pauses while the tab is hidden and stops by itself after STOP_AFTER_MS. */
(function () {
  "use strict";
  if (window.portalLogs) { return; }
  var POLL_MS = 3000;
  var STOP_AFTER_MS = 10 * 60 * 1000;
  var KEEP = 500;
  var MAX_FAILURES = 3;
  var tail = null;  // the running tail, or null

  function setting(button, name, fallback) {
    // The page may tune the tail (data-poll-ms, data-stop-after-ms, data-keep); tests do.
    var value = parseInt(button.getAttribute(name), 10);
    return value > 0 ? value : fallback;
  }

  function zoneName() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function bindForm(root) {
    var tz = root.querySelector("#logs-tz");
    var browserZone = zoneName();
    if (/^[A-Za-z0-9_+\/-]{1,64}$/.test(browserZone)) {
      // Remembered for the next visit: links without a zone are then read in this one.
      // (IANA names need no encoding, and Django does not decode cookie values.)
      document.cookie = "portal_tz=" + browserZone + "; path=/; max-age=31536000; SameSite=Lax";
    }
    if (tz && !tz.value) { tz.value = browserZone; }
    var windowSelect = root.querySelector("#logs-window");
    ["#logs-start", "#logs-end"].forEach(function (selector) {
      var input = root.querySelector(selector);
      if (input && windowSelect) {
        input.addEventListener("change", function () {
          if (input.value) { windowSelect.value = "custom"; }
        });
      }
    });
  }

  function say(text) {
    var status = document.getElementById("logs-tail-status");
    if (!status) { return; }
    status.hidden = !text;
    status.textContent = text;
  }

  function setButton(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Live tail: on" : "Live tail: off";
    button.classList.toggle("btn-primary", on);
    button.classList.toggle("btn-outline-primary", !on);
    var pager = document.querySelector(".logs-pager");
    if (pager) { pager.hidden = on; }  // older pages would not line up with a growing list
  }

  function stop(message) {
    if (!tail) { return; }
    window.clearTimeout(tail.timer);
    if (document.body.contains(tail.button)) { setButton(tail.button, false); }
    tail = null;
    say(message || "");
  }

  function keys(body) {
    var seen = new Set();
    body.querySelectorAll("tr[data-key]").forEach(function (row) { seen.add(row.getAttribute("data-key")); });
    return seen;
  }

  function insert(fresh) {
    var body = document.getElementById("log-rows");
    if (!body) { return 0; }
    var seen = keys(body);
    var rows = Array.prototype.slice.call(fresh.querySelectorAll("tr[data-key]"));
    var added = 0;
    // The answer is newest first: insert oldest first, each on top, so the order holds.
    for (var i = rows.length - 1; i >= 0; i -= 1) {
      var row = rows[i];
      var key = row.getAttribute("data-key");
      if (seen.has(key)) { continue; }
      seen.add(key);
      row.classList.add("logs-new");
      body.insertBefore(document.importNode(row, true), body.firstChild);
      added += 1;
    }
    var keep = tail ? tail.keep : KEEP;
    while (body.rows.length > keep) { body.deleteRow(body.rows.length - 1); }
    var newest = body.querySelector("tr[data-time]");
    if (newest && tail) { tail.after = newest.getAttribute("data-time"); }
    if (added) {
      var empty = document.getElementById("logs-empty");
      if (empty) { empty.remove(); }
    }
    return added;
  }

  function schedule() {
    if (tail) { tail.timer = window.setTimeout(poll, tail.pollMs); }
  }

  function poll() {
    if (!tail) { return; }
    if (!document.body.contains(tail.button)) { stop(""); return; }  // a new search replaced it
    if (Date.now() - tail.started > tail.stopAfter) {
      var seconds = Math.round(tail.stopAfter / 1000);
      var span = seconds < 120 ? seconds + " seconds" : Math.round(seconds / 60) + " minutes";
      stop("Live tail stopped by itself after " + span + ". Turn it on again to keep watching.");
      return;
    }
    if (document.hidden) { say("Live tail paused while this tab is hidden."); return; }
    var current = tail;
    var url = current.url + (current.url.indexOf("?") === -1 ? "?" : "&") + "after=" + encodeURIComponent(current.after);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html", "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (text) {
        if (tail !== current) { return; }
        var doc = new DOMParser().parseFromString("<table>" + text + "</table>", "text/html");
        var fresh = doc.querySelector("tbody");
        var added = fresh ? insert(fresh) : 0;
        current.failures = 0;
        current.total += added;
        var when = new Date().toLocaleTimeString();
        var more = fresh && fresh.getAttribute("data-more") === "1";
        say("Live tail on: checked at " + when + ", " + current.total + " new " +
            (current.total === 1 ? "entry" : "entries") + " so far." +
            (more ? " More arrived than one check can show; the newest are on top." : "") +
            " The page keeps the newest " + current.keep + ".");
        schedule();
      })
      .catch(function () {
        if (tail !== current) { return; }
        current.failures += 1;
        if (current.failures >= MAX_FAILURES) {
          stop("Live tail stopped: the portal could not fetch new entries three times in a row. Try again in a moment.");
          return;
        }
        say("Could not fetch new entries; trying again.");
        schedule();
      });
  }

  function start(button) {
    stop("");
    tail = {
      button: button,
      url: button.getAttribute("data-tail-url"),
      after: button.getAttribute("data-after"),
      started: Date.now(),
      failures: 0,
      total: 0,
      timer: null,
      pollMs: setting(button, "data-poll-ms", POLL_MS),
      stopAfter: setting(button, "data-stop-after-ms", STOP_AFTER_MS),
      keep: setting(button, "data-keep", KEEP)
    };
    setButton(button, true);
    say("Live tail on: waiting for new entries…");
    schedule();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#logs-tail-toggle");
    if (!button) { return; }
    if (tail && tail.button === button) { stop("Live tail off."); } else { start(button); }
  });
  document.addEventListener("visibilitychange", function () {
    if (tail && !document.hidden) {
      window.clearTimeout(tail.timer);
      say("Live tail on: catching up…");
      poll();
    }
  });

  window.portalLogs = { bind: bindForm };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { bindForm(document); });
  } else {
    bindForm(document);
  }
  document.body.addEventListener("htmx:afterSettle", function (event) { bindForm(event.target); });
})();
