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
  document.body.addEventListener("htmx:timeout", function () {
    showToast("The portal took too long to answer. Try again in a moment.", "error");
  });
})();
