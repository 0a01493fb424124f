/**
 * Invitation sheets: a "Print" button (hidden without JavaScript, where the browser's own
 * print command does the same). Loaded by templates/juries/invitations.html.
 */
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
