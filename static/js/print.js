/**
 * A "Print" button ([data-print], hidden without JavaScript, where the browser's own print
 * command does the same): jury invitation sheets, a resident's copy of their answers.
 */
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
