/* The request form: when the requesting State changes, show its treaty status beside each instrument.
   The statuses come with the page (#party-notes, computed by the server as at today); without this script the
   page shows the status of the State it was rendered with. A static file: the Content-Security-Policy allows no
   inline script. */
(function () {
  "use strict";
  var holder = document.getElementById("party-notes");
  var select = document.getElementById("state");
  if (!holder || !select) { return; }
  var notes = JSON.parse(holder.getAttribute("data-notes") || "{}");

  function show() {
    var mine = notes[select.value] || {};
    var notesFor = document.querySelectorAll("[data-note-for]");
    for (var i = 0; i < notesFor.length; i++) {
      var code = notesFor[i].getAttribute("data-note-for");
      var note = select.value ? (mine[code] || "not a signatory") : "";
      notesFor[i].textContent = note;
      // A State already party to the instrument is flagged, as the page flags it when rendered.
      notesFor[i].classList.toggle("choice-note-flag", note.indexOf("already") === 0);
    }
  }
  select.addEventListener("change", show);
})();
