// The cohort job page: polls the job's progress (JSON) and updates the bar, the counts and
// the refused rows until the job is done. Served as a file: the CSP allows no inline script.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || section.dataset.finished === "true") return;
  var url = section.dataset.progressUrl;
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var errors = document.getElementById("job-errors");

  function show(job) {
    bar.max = Math.max(job.candidates, 1);
    bar.value = job.finished ? bar.max : job.candidates_done;
    bar.textContent = job.percent + " %";
    // the sentences come from the page, in its language, with {done}, {total}, {percent}
    var text = job.finished ? section.dataset.textDone : section.dataset.textRunning;
    state.textContent = text.replace("{done}", job.candidates_done)
      .replace("{total}", job.candidates).replace("{percent}", job.percent);
    var fields = {rows: job.rows, candidates: job.candidates, issued: job.issued,
                  already_issued: job.already_issued, refused: job.errors.length};
    Object.keys(fields).forEach(function (name) {
      var cell = section.querySelector('[data-field="' + name + '"]');
      if (cell) cell.textContent = fields[name];
    });
    if (errors.children.length !== job.errors.length) {
      errors.replaceChildren.apply(errors, job.errors.map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      }));
    }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 3000); return; }
        show(job);
        if (job.finished) {
          section.dataset.finished = "true";
          var resume = section.querySelector("form");
          if (resume) resume.remove();
          var download = document.getElementById("job-export");
          if (download) download.hidden = false;
        } else {
          setTimeout(poll, 700);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 300);
})();
