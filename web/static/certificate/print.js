// The certificate's print button (no inline handler: the Content-Security-Policy allows
// scripts from this origin only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
