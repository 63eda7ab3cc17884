/* Rows added in place (visits, partners, experts): "Add another …" copies the list's <template> (an empty row the
   server rendered, numbered __index__) after the last row, numbers it after the rows on the page, sets up its
   pickers and moves the focus to its first field. Without this script the same button posts the form and the
   server adds the row; either way the server reads the rows it is sent, whatever their numbers. */
(function () {
  "use strict";

  function nextIndex(rows) {
    var highest = -1;
    for (var i = 0; i < rows.length; i++) {
      var named = rows[i].querySelector("[name]");
      var found = named && /-(\d+)-/.exec(named.getAttribute("name"));
      if (found) { highest = Math.max(highest, parseInt(found[1], 10)); }
    }
    return highest + 1;
  }

  function firstField(row) {
    var fields = row.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].classList.contains("tomselected") && !fields[i].disabled) { return fields[i]; }
    }
    return null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-row-template]");
    if (!button) { return; }
    var template = document.getElementById(button.getAttribute("data-row-template"));
    var rows = button.parentNode.querySelectorAll('[data-row-of="' + button.value + '"]');
    // Past the list's most rows the button posts as it does without script, and the server says so.
    if (!template || rows.length >= parseInt(button.getAttribute("data-row-max") || "40", 10)) { return; }
    event.preventDefault();
    var holder = document.createElement("div");
    // The template's fields are named data-row-name (app/template_context.py row_template): named now.
    holder.innerHTML = template.innerHTML.replace(/ data-row-name="/g, ' name="')
      .replace(/__index__/g, String(nextIndex(rows)))
      .replace(/__number__/g, String(rows.length + 1));
    var row = holder.firstElementChild;
    button.parentNode.insertBefore(row, template);
    var announcer = document.getElementById("row-announcer");
    var ready = window.palermoPickers ? window.palermoPickers.init(row) : Promise.resolve();
    ready.then(function () {
      var field = firstField(row);
      if (field) { field.focus(); }
      if (announcer) { announcer.textContent = announcer.getAttribute("data-added") || ""; }
    });
  });
})();
