// The employer page's form as a drop target (progressive enhancement: without a script the
// file field does the same). A file dropped anywhere on the form goes into the file field and
// is checked at once; what it is (JSON, SD-JWT VC, PDF, photo) the server tells by content.
"use strict";
(function () {
  const form = document.getElementById("verify-form");
  const input = document.getElementById("photo");
  if (!form || !input || typeof DataTransfer === "undefined") return;
  let depth = 0; // dragenter/dragleave fire for every child crossed
  const carriesFiles = (event) =>
    event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files");
  form.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    form.classList.add("dragging");
  });
  form.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  form.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) form.classList.remove("dragging");
  });
  form.addEventListener("drop", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    form.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (!file) return;
    const one = new DataTransfer(); // only the first file: one credential per check
    one.items.add(file);
    input.files = one.files;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
