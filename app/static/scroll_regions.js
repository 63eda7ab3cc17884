// A table wider than the screen scrolls sideways inside its .table-responsive box; keyboard users can only
// scroll a box that takes focus (WCAG 2.1.1, axe "scrollable-region-focusable"). Only boxes that overflow on
// this screen get a tab stop, named after the table's caption, so that a laptop's tab order is not padded.
(function () {
  "use strict";
  // The name of a table without a caption, in the page's language (base.html puts it on this script's tag).
  var me = document.currentScript;
  var unnamed = (me && me.getAttribute("data-table")) || "Table";
  function label(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    return text || unnamed;
  }
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.dataset.ownTabindex === undefined) {
        box.dataset.ownTabindex = box.hasAttribute("tabindex") ? "yes" : "no";
      }
      if (box.dataset.ownTabindex === "yes") { return; }
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", label(box));
          box.dataset.ownLabel = "no";
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (box.dataset.ownLabel === "no") { box.removeAttribute("aria-label"); }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
}());
