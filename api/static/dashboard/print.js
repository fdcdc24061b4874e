// "Print" buttons (the page's Content-Security-Policy allows no inline handlers).
for (const button of document.querySelectorAll("[data-aim-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
