/* Portal behaviour shared by every page: toasts for messages and htmx errors.
   Loaded as a static file: the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function showToast(text, level) {
    var container = document.getElementById("toasts");
    var template = document.getElementById("toast-template");
    if (!container || !template) { return; }
    var toast = template.content.firstElementChild.cloneNode(true);
    toast.classList.add("toast-" + (level || "info"));
    if (level === "error") { toast.setAttribute("role", "alert"); }
    toast.querySelector(".portal-toast-text").textContent = text;
    toast.querySelector(".btn-close").addEventListener("click", function () { toast.remove(); });
    container.appendChild(toast);
    // Errors stay until dismissed; other messages fade after a while.
    if (level !== "error") {
      window.setTimeout(function () { toast.remove(); }, 6000);
    }
  }
  window.portalToast = showToast;

  // Django messages delivered on htmx fragment responses (HtmxMessagesMiddleware).
  document.body.addEventListener("portal:messages", function (event) {
    var list = (event.detail && event.detail.value) || [];
    list.forEach(function (message) { showToast(message.text, message.level); });
  });

  // A failed fragment request must say so instead of silently doing nothing.
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "The request failed (HTTP " + xhr.status + "). Nothing was changed by the page; try again.";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fragment = doc.querySelector("[data-error-message]");
      if (fragment) { text = fragment.getAttribute("data-error-message"); }
    } catch (e) { /* keep the generic text */ }
    showToast(text, "error");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showToast("Could not reach the portal. Check your connection and try again.", "error");
  });
  // A request that lands on the address already shown (a field's change, then the Filter click
  // that follows it) replaces the history entry instead of adding a second, identical one, so
  // one Back leaves the page the person sees.
  document.body.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var update = event.detail && event.detail.history;
    if (!update || update.type !== "push" || !update.path) { return; }
    if (new URL(update.path, window.location.href).href === window.location.href) {
      update.type = "replace";
    }
  });
  // An answer still on its way when the person goes Back or Forward belongs to the page they
  // left: it must neither swap into the page htmx restores nor push its address on top of it
  // (a Filter answer landing after Back put the refused filter back in the address bar). So on
  // such a move every element that has asked something is marked as left, and its answers
  // (also one queued behind it, sent only after the move) are dropped. The check sits on the
  // element itself: once the restore has replaced the page, its events no longer reach <body>.
  var asked = [];
  window.addEventListener("popstate", function (event) {
    if (!event.state || !event.state.htmx) { return; }  // not an entry htmx restores
    asked.forEach(function (elt) { elt.portalLeft = true; });
  });
  document.body.addEventListener("htmx:historyRestore", function () {
    // What the restore kept (the <body> itself) is on the page again.
    asked = asked.filter(function (elt) {
      if (document.documentElement.contains(elt)) { elt.portalLeft = false; return true; }
      return false;
    });
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt.portalAsked) { return; }
    elt.portalAsked = true;
    asked.push(elt);
    elt.addEventListener("htmx:beforeOnLoad", function (loaded) {
      if (elt.portalLeft) { loaded.preventDefault(); }
    });
  });
  document.body.addEventListener("htmx:timeout", function () {
    showToast("The portal took too long to answer. Try again in a moment.", "error");
  });
  // Stacked tables (docs/ui.md): each cell of a "table-stack" table carries its column's name
  // in data-label, which portal.css shows before the value on a phone. Cells that already have
  // one keep it; a column whose header has no visible text (the actions) closes the card.
  function labelStackedTables(root) {
    (root || document).querySelectorAll("table.table-stack").forEach(function (table) {
      var headers = [];
      table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
        var hidden = th.querySelector(".visually-hidden");
        var visible = th.textContent.trim();
        if (hidden && hidden.textContent.trim() === visible) { visible = ""; }
        for (var i = 0; i < (th.colSpan || 1); i++) { headers.push({ label: visible }); }
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var header = headers[column] || null;
          column += cell.colSpan || 1;
          if (!header || cell.hasAttribute("data-label") || cell.colSpan > 1) { return; }
          if (header.label) { cell.setAttribute("data-label", header.label); }
          else { cell.classList.add("table-stack-actions"); }
        });
      });
    });
  }
  window.portalLabelStackedTables = labelStackedTables;
  labelStackedTables(document);
  document.body.addEventListener("htmx:afterSettle", function () { labelStackedTables(document); });
  // Copy buttons: <button data-copy="#id"> copies the text of #id (one line per list item) and
  // says so on the button for a moment (and to screen readers through the toast region).
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var items = source.querySelectorAll("li");
    var text = items.length
      ? Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).join("\n")
      : source.textContent.trim();
    var label = button.textContent;
    function said(message, level) {
      button.textContent = message;
      showToast(message, level);
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { said("Copied", "success"); },
        function () { said("Copy failed: select the text and copy it yourself", "warning"); }
      );
    } else {
      said("Copy failed: select the text and copy it yourself", "warning");
    }
  });
  // Confirmation dialogs swapped in by htmx (templates/components/confirm.html): focus moves
  // into the dialog, Escape or Cancel closes it without a page load, and focus returns to the
  // control that opened it. Without JavaScript, Cancel is a plain link back.
  var opener = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && !elt.closest(".portal-confirm")) { opener = elt; }
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var dialog = document.querySelector(".portal-confirm [role=dialog]");
    if (dialog && !dialog.contains(document.activeElement)) {
      var first = dialog.querySelector("[autofocus], input:not([type=hidden]):not([disabled]), select, textarea, button:not([disabled])");
      (first || dialog).focus();
    }
  });
  function closeConfirm(confirm) {
    // Leave an empty slot with the same id, so the next dialog can be swapped into it.
    var slot = document.createElement("div");
    slot.id = confirm.id;
    confirm.replaceWith(slot);
    if (opener && document.contains(opener)) { opener.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var confirm = document.querySelector(".portal-confirm");
    if (confirm) { event.preventDefault(); closeConfirm(confirm); }
  });
  document.body.addEventListener("click", function (event) {
    var cancel = event.target.closest(".portal-confirm .modal-footer a.btn-link");
    if (cancel) { event.preventDefault(); closeConfirm(cancel.closest(".portal-confirm")); }
  });
})();
