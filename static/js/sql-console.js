/* The SQL console's editor: Ctrl/Cmd+Enter runs, Tab indents (Esc then Tab leaves the editor),
   and the draft survives a reload. (portal.js closes the confirmations on Cancel or Esc without
   leaving the page, so the statement in the editor is kept.) A static file: the CSP forbids
   inline scripts. Delegated listeners, so editors swapped in by htmx work too; loaded once. */
(function () {
  "use strict";
  if (window.portalSqlConsole) { return; }
  window.portalSqlConsole = true;
  var INDENT = "  ";
  var escaped = false;

  function draftKey(editor) {
    var form = editor.closest("[data-sql-form]");
    return "portal-sql-draft:" + (form ? form.getAttribute("data-project") : "");
  }

  function restoreDraft(root) {
    (root || document).querySelectorAll("textarea[data-sql-editor]").forEach(function (editor) {
      if (editor.value) { return; }
      try {
        var draft = window.sessionStorage.getItem(draftKey(editor));
        if (draft) { editor.value = draft; }
      } catch (e) { /* storage may be disabled */ }
    });
  }

  document.addEventListener("keydown", function (event) {
    var editor = event.target;
    if (!(editor instanceof HTMLTextAreaElement) || !editor.hasAttribute("data-sql-editor")) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var form = editor.form;
      if (form) { form.requestSubmit(); }
      return;
    }
    if (event.key === "Escape") { escaped = true; return; }
    if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (escaped) { escaped = false; return; }  // let focus move on
      event.preventDefault();
      var start = editor.selectionStart, end = editor.selectionEnd;
      editor.setRangeText(INDENT, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    escaped = false;
  });

  document.addEventListener("input", function (event) {
    var editor = event.target;
    if (!(editor instanceof HTMLTextAreaElement) || !editor.hasAttribute("data-sql-editor")) { return; }
    try { window.sessionStorage.setItem(draftKey(editor), editor.value); } catch (e) { /* ignore */ }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { restoreDraft(document); });
  } else {
    restoreDraft(document);
  }
  document.body.addEventListener("htmx:afterSettle", function (event) { restoreDraft(event.target); });
})();
