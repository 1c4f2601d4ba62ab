/* Rules list: drag-and-drop reordering with SortableJS, and focus kept on the arrow that moved a
   rule. The new order is sent by htmx (hx-trigger="rules-reordered" on the table body); this file
   only tells htmx when a drag ended. Static file: the Content-Security-Policy forbids inline JS. */
(function () {
  "use strict";

  function initSortable(root) {
    if (typeof Sortable === "undefined") { return; }
    root.querySelectorAll("[data-sortable]").forEach(function (body) {
      if (body.dataset.sortableReady) { return; }
      body.dataset.sortableReady = "1";
      Sortable.create(body, {
        handle: ".rule-drag-handle",
        animation: 150,
        ghostClass: "bg-azure-lt",
        // Pointer events rather than native HTML5 drag: the same behaviour with mouse, touch and pen.
        forceFallback: true,
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) {
            htmx.trigger(body, "rules-reordered");
          }
        }
      });
    });
  }

  function restoreFocus(root) {
    var table = root.id === "rules-table" ? root : root.querySelector && root.querySelector("#rules-table");
    if (!table || !table.dataset.focus) { return; }
    // The same arrow of the moved rule keeps the focus, also at the top or bottom where it is
    // aria-disabled (still focusable): jumping to the other arrow made Enter move it back.
    var button = table.querySelector('[data-focus-key="' + table.dataset.focus + '"]');
    if (button) { button.focus(); }
  }

  // An arrow at the end of the list is aria-disabled, not disabled (so focus can stay on it):
  // it does nothing when pressed.
  document.addEventListener("click", function (event) {
    var arrow = event.target.closest("#rules-table [data-focus-key][aria-disabled='true']");
    if (arrow) { event.preventDefault(); }
  });

  function ready() {
    initSortable(document);
    htmx.onLoad(function (element) {
      initSortable(element.parentElement || element);
      restoreFocus(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
