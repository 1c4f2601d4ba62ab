/* Variable names are upper-cased as they are typed (Agiler stores them upper-cased anyway), so
   what the person sees is the name the site will read. A static file: the CSP forbids inline
   scripts. Delegated on the document, so forms swapped in by htmx work too. */
(function () {
  "use strict";
  if (window.portalVariables) { return; }
  window.portalVariables = true;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("input[data-uppercase]")) { return; }
    var start = field.selectionStart, end = field.selectionEnd;
    var upper = field.value.toUpperCase();
    if (upper !== field.value) {
      field.value = upper;
      if (start !== null) { field.setSelectionRange(start, end); }
    }
  });
})();
