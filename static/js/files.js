/* Files: uploads with a progress bar per file, drag-and-drop, "Replace?" on a name that exists,
   and the folder tree of the move/copy dialog. A static file: the CSP forbids inline scripts.
   Each file is its own POST whose body is the file itself (not a form), so the portal can pass
   it on to Agiler as it arrives; XMLHttpRequest because fetch() reports no upload progress.
   Without JavaScript the same card is a plain multipart form. */
(function () {
  "use strict";
  if (window.portalFiles) { return; }
  window.portalFiles = true;

  function units(bytes) {
    var names = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (bytes >= 1024 && i < names.length - 1) { bytes /= 1024; i += 1; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + names[i];
  }

  function zone() { return document.querySelector("[data-upload-zone]"); }

  var queue = [], busy = false;

  function itemFor(file) {
    var template = document.getElementById("upload-item");
    var item = template.content.firstElementChild.cloneNode(true);
    item.querySelector(".files-upload-name").textContent = file.name;
    item.querySelector(".files-upload-size").textContent = units(file.size);
    var bar = item.querySelector("progress");
    bar.setAttribute("aria-label", "Upload of " + file.name);
    document.getElementById("upload-list").appendChild(item);
    return item;
  }

  function say(item, text, level) {
    var status = item.querySelector(".files-upload-status");
    status.textContent = text;
    status.className = "ms-auto small files-upload-status" + (level ? " text-" + level : "");
    item.setAttribute("data-outcome", level || "");
  }

  function send(job) {
    var card = zone();
    var url = card.getAttribute("data-upload-url") + "?name=" + encodeURIComponent(job.file.name) +
      (job.replace ? "&replace=1" : "");
    var xhr = new XMLHttpRequest();
    var bar = job.item.querySelector("progress");
    busy = true;
    say(job.item, "Uploading…", "");
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", card.getAttribute("data-csrf"));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { bar.value = Math.round(event.loaded * 100 / event.total); }
    });
    xhr.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      var message = answer.message || (xhr.status === 413
        ? "“" + job.file.name + "” (" + units(job.file.size) + ") is larger than the portal accepts. Nothing was uploaded."
        : xhr.status === 403
          ? "Refused: sign in again or ask an admin for the right to upload. Nothing was uploaded."
          : "The upload failed (the portal answered HTTP " + xhr.status + "). Nothing was uploaded; try again.");
      if (answer.outcome === "done") {
        bar.value = 100;
        say(job.item, message, "success");
        refreshList();
      } else if (answer.outcome === "exists") {
        say(job.item, message, "warning");
        ask(job);
      } else {
        say(job.item, message, "danger");
      }
      next();
    });
    xhr.addEventListener("error", function () {
      say(job.item, "The upload broke off (connection lost). Try again.", "danger");
      next();
    });
    xhr.send(job.file);
  }

  // One refresh of the file list at a time. The list replaces itself when its answer lands, and
  // the new list listens for "files-changed" only once it has settled: a file that lands while
  // the list is loading or settling asks for one more refresh, sent when the new list is ready
  // (or at once if the answer never replaced the list).
  var listLoading = false, listStale = false, listRequests = 0;
  function refreshList() {
    if (listLoading) { listStale = true; return; }
    document.body.dispatchEvent(new CustomEvent("files-changed"));
  }
  function listReady() {
    if (!listLoading) { return; }
    listLoading = false;
    if (listStale) { listStale = false; refreshList(); }
  }
  function fromList(event) { return event.detail && event.detail.elt && event.detail.elt.id === "file-list"; }
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (fromList(event)) { listLoading = true; listRequests += 1; }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!fromList(event)) { return; }
    // A failed answer leaves the old list in place; a good one settles (below), and if it
    // somehow does not, the list is not left waiting for ever.
    var request = listRequests;
    if (!event.detail.successful) { listReady(); return; }
    window.setTimeout(function () { if (request === listRequests) { listReady(); } }, 1000);
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "file-list") { listReady(); }
  });

  function ask(job) {
    var box = job.item.querySelector(".files-upload-ask");
    box.classList.remove("d-none");
    var replace = box.querySelector("[data-upload-replace-one]");
    replace.setAttribute("aria-label", "Replace " + job.file.name);
    replace.focus();
    replace.addEventListener("click", function () {
      box.classList.add("d-none");
      job.item.querySelector("progress").value = 0;
      enqueue({ file: job.file, item: job.item, replace: true });
    }, { once: true });
    box.querySelector("[data-upload-skip]").addEventListener("click", function () {
      box.classList.add("d-none");
      say(job.item, "Kept the existing file; nothing uploaded.", "secondary");
    }, { once: true });
  }

  function next() {
    busy = false;
    if (queue.length) { send(queue.shift()); }
  }

  function enqueue(job) {
    queue.push(job);
    if (!busy) { next(); }
  }

  function upload(files) {
    var card = zone();
    if (!card) { return; }
    var replaceAll = card.querySelector("[data-upload-replace]");
    Array.prototype.forEach.call(files, function (file) {
      enqueue({ file: file, item: itemFor(file), replace: !!(replaceAll && replaceAll.checked) });
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-upload-input]")) {
      upload(target.files);
      target.value = "";
    }
    // The move/copy dialog: a folder picked in the tree fills the typed path.
    if (target.matches && target.matches("input[name=folder_pick]")) {
      var form = target.closest("form");
      var box = form && form.querySelector("[data-folder-input]");
      if (box) { box.value = "/" + target.value; }
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-upload-form]")) { return; }
    var input = form.querySelector("[data-upload-input]");
    event.preventDefault();
    if (input && input.files.length) { upload(input.files); input.value = ""; }
  });

  function droppable(target) {
    return target && target.closest && target.closest("[data-upload-zone], [data-upload-drop]");
  }
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var over = droppable(event.target);
      if (!over || !zone()) { return; }
      event.preventDefault();
      over.classList.add("files-drop-active");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var over = droppable(event.target);
    if (over && !over.contains(event.relatedTarget)) { over.classList.remove("files-drop-active"); }
  });
  document.addEventListener("drop", function (event) {
    var over = droppable(event.target);
    if (!over || !zone()) { return; }
    event.preventDefault();
    over.classList.remove("files-drop-active");
    if (event.dataTransfer && event.dataTransfer.files.length) { upload(event.dataTransfer.files); }
  });
})();
