// Camera scanning on the employer page: frames from getUserMedia are decoded by jsQR
// (from npm, served by /verify/vendor/jsQR.js); the text found is submitted like a paste.
"use strict";
(function () {
  const button = document.getElementById("scan");
  const video = document.getElementById("camera");
  const canvas = document.getElementById("frame");
  const hint = document.getElementById("camera-hint");
  const form = document.getElementById("verify-form");
  const text = document.getElementById("text");
  if (!button || !video || !canvas || !form || !text) return;
  const startLabel = button.textContent;
  let stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    hint.hidden = true;
    button.textContent = startLabel;
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && typeof window.jsQR === "function") {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height,
                               { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        stop();
        text.value = code.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  button.addEventListener("click", async () => {
    if (stream) { stop(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      hint.hidden = false;
      hint.textContent = button.dataset.noCamera;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      hint.hidden = false;
      hint.textContent = button.dataset.noCamera;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    hint.hidden = false;
    button.textContent = button.dataset.stop;
    await video.play();
    window.requestAnimationFrame(tick);
  });
})();
