// Lists read as cards on a phone (palermo.css `.list-cards`): a cell that does not name its column itself gets its
// column header's text as `data-label`, shown before the value in the card. Without this script the cards still
// fit the screen; they only lose those names.
(function () {
  "use strict";
  document.querySelectorAll("table.list-cards").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/[▲▼]/g, "").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && heads[index]) { cell.setAttribute("data-label", heads[index]); }
      });
    });
  });
})();
