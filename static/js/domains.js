/* A wildcard domain cannot be the site's address: while the name typed starts with "*.", the
   "make primary" box is unticked and disabled (the server refuses it anyway). A static file:
   the CSP forbids inline scripts. Delegated, so the form swapped in by htmx works too. */
(function () {
  "use strict";
  if (window.portalDomains) { return; }
  window.portalDomains = true;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("#domain-form input[name='name']")) { return; }
    var box = field.form && field.form.querySelector("input[name='primary']");
    if (!box) { return; }
    var wildcard = field.value.trim().indexOf("*.") === 0;
    if (wildcard) { box.checked = false; }
    box.disabled = wildcard;
  });
})();
