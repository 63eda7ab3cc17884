/* The report's rich text fields: a small editor (bold, italic, lists, links) over each textarea marked
   data-rich-text="on". Without script the textarea itself takes the text (plain paragraphs, or the same few tags);
   either way the server keeps only its allow-list (app/formats/rich_text.py). No inline script or style: the
   Content-Security-Policy allows neither. */
(function () {
  "use strict";
  /* The visible word is the button's whole name (a screen reader says what a sighted user reads). */
  var BUTTONS = [["bold", "Bold"], ["italic", "Italic"], ["insertUnorderedList", "Bulleted list"],
                 ["insertOrderedList", "Numbered list"], ["createLink", "Link"]];

  function asHtml(text) {
    if (/<\s*\/?\s*[a-z][^>]*>/i.test(text)) { return text; }
    return text.split(/\n\s*\n/).filter(function (p) { return p.trim(); }).map(function (p) {
      var div = document.createElement("div");
      div.textContent = p.trim();
      return "<p>" + div.innerHTML.replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function enhance(textarea, index) {
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label && !label.id) { label.id = textarea.id + "-label"; }
    var toolbar = document.createElement("div");
    toolbar.className = "btn-toolbar rich-text-toolbar mb-1";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting of " + (label ? label.textContent.trim() : "the text"));
    var editor = document.createElement("div");
    editor.className = "form-control rich-text-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    if (label) { editor.setAttribute("aria-labelledby", label.id); }
    var help = textarea.getAttribute("aria-describedby");
    if (help) { editor.setAttribute("aria-describedby", help); }
    editor.id = textarea.id + "-editor";
    editor.innerHTML = asHtml(textarea.value);
    BUTTONS.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm me-1";
      button.textContent = b[1];
      button.addEventListener("click", function () {
        editor.focus();
        if (b[0] === "createLink") {
          var url = window.prompt("Address of the link (https://…)");
          if (url) { document.execCommand("createLink", false, url); }
        } else {
          document.execCommand(b[0], false, null);
        }
        sync();
      });
      toolbar.appendChild(button);
    });
    function sync() { textarea.value = editor.innerHTML; }
    editor.addEventListener("input", sync);
    textarea.classList.add("d-none");
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    if (label) { label.htmlFor = editor.id; label.addEventListener("click", function () { editor.focus(); }); }
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
    var form = textarea.form;
    if (form) { form.addEventListener("submit", sync); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-text='on']"), enhance);
  });
})();
