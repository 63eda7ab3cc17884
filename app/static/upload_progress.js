/* Spreadsheet imports: send the file with XMLHttpRequest so that the page can show how much of it has been sent,
   then that the rows are being checked. The server answers such a request with {"location": preview URL}; a
   refusal (a page with the message) replaces the form. Without this script the form posts as usual.
   A static file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var holder = document.getElementById("upload-form");
  var box = document.getElementById("upload-progress");
  if (!holder || !box || !window.FormData) { return; }
  var form = holder.querySelector("form");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");

  function replaceWith(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.getElementById("main");
    if (main) {
      document.getElementById("main").replaceWith(main);  // the refusal; its form posts without the bar
    } else {
      status.textContent = "The upload failed: reload the page and try again.";
    }
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    if (!file || !file.files.length) { return; }  // the server says what is missing
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round(100 * e.loaded / e.total);
        bar.value = percent;
        status.textContent = "Uploading… " + percent + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      bar.removeAttribute("value");  // indeterminate: the server is reading the rows
      status.textContent = "Uploaded. Reading the file…";
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 200 && type.indexOf("application/json") === 0) {
        status.textContent = "Checking every row for the preview…";
        window.location.assign(JSON.parse(xhr.responseText).location);
      } else {
        replaceWith(xhr.responseText);
      }
    });
    xhr.addEventListener("error", function () {
      status.textContent = "The upload failed (the connection was lost): try again.";
      form.querySelector("button[type=submit]").disabled = false;
    });
    xhr.send(new FormData(form));
  });
})();
