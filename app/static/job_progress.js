// The progress bar of /jobs/<id>: polls GET /api/v1/jobs/<id> every second while the job runs, and reloads the
// page once it has finished or failed (the page then shows the result). No library: a fetch and a timer.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.over === "yes") { return; }
  var bar = document.getElementById("job-bar");
  var label = document.getElementById("job-percent");
  var steps = document.getElementById("job-steps");
  var status = document.getElementById("job-status");
  function show(job) {
    var percent = job.percent;
    bar.value = percent;
    bar.textContent = percent + "%";
    label.textContent = percent + "%";
    status.textContent = job.status_label;
    if (job.total) { steps.textContent = job.done.toLocaleString("en") + " of " + job.total.toLocaleString("en") + " steps"; }
  }
  function poll() {
    fetch(box.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (r.status === 401 || r.status === 403 || r.status === 404) { return "stop"; }
        return r.ok ? r.json() : null;  // busy (a 503 while a large import commits): ask again shortly
      })
      .then(function (job) {
        if (job === "stop") { return; }
        if (!job) { window.setTimeout(poll, 2000); return; }
        show(job);
        if (job.status === "finished" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
