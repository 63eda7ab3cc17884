// The queue as a triage tool (issue 29): "tick every request on this page", and the keyboard shortcuts the page
// lists — j / k move to the next / previous request, x ticks it, a opens the triage bar on "Assign to". Keys are
// ignored while typing in a field or with a modifier held, so they never take a letter meant for a form.
(function () {
  "use strict";
  var table = document.querySelector(".queue-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var ticks = function () { return table.querySelectorAll("tbody input[name=requests]"); };
  var all = document.getElementById("select-page");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      ticks().forEach(function (box) { box.checked = all.checked; });
    });
  }
  var current = -1;
  function go(index) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("is-current"); }
    current = Math.max(0, Math.min(rows.length - 1, index));
    var row = rows[current];
    row.classList.add("is-current");
    row.setAttribute("tabindex", "-1");
    row.focus();
  }
  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|SUMMARY)$/.test(target.tagName) &&
      !(target.tagName === "INPUT" && target.type === "checkbox");
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    if (event.key === "j") { go(current + 1); }
    else if (event.key === "k") { go(current - 1); }
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[name=requests]");
      if (box) { box.checked = !box.checked; }
    } else if (event.key === "a") {
      var fold = document.querySelector(".triage-fold");
      var officer = document.querySelector("#bulk-assign select[name=officer]");
      if (!fold || !officer) { return; }
      fold.open = true;
      // The officer is a type-ahead picker (pickers.js): its combobox takes the focus, the select stands behind.
      if (officer.tomselect) { officer.tomselect.focus(); } else { officer.focus(); }
    } else { return; }
    event.preventDefault();
  });
})();
