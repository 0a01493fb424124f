/**
 * A voting kiosk page ([data-kiosk]): after data-idle-seconds without a touch or a key it
 * clears itself, by submitting the form named in data-idle-form (the ballot's "Cancel and
 * clear") or by going to data-idle-href (the thank-you page goes back to the start). A
 * page brought back by the browser's Back button is cleared and reloaded, so nobody sees
 * what the voter before them chose (the server also sends every kiosk page no-store).
 */
const kiosk = document.querySelector("[data-kiosk]");

function clear() {
  for (const form of document.querySelectorAll("form")) form.reset();
  const target = kiosk.dataset.idleForm && document.getElementById(kiosk.dataset.idleForm);
  if (target) target.submit();
  else if (kiosk.dataset.idleHref) window.location.replace(kiosk.dataset.idleHref);
}

if (kiosk) {
  const seconds = Number(kiosk.dataset.idleSeconds || 0);
  let timer = null;
  const restart = () => {
    if (!seconds) return;
    clearTimeout(timer);
    timer = setTimeout(clear, seconds * 1000);
  };
  for (const event of ["pointerdown", "keydown", "input", "scroll", "touchstart"]) {
    document.addEventListener(event, restart, { passive: true });
  }
  restart();
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      for (const form of document.querySelectorAll("form")) form.reset();
      window.location.reload();
    }
  });
}
