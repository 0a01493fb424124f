/**
 * The response journey: saves the form to the server as the resident types (so a refresh,
 * a lost connection or a closed tab loses nothing), and shows a running total on budget
 * questions. The page works without it: every page's button saves too. Its words come
 * from the page's language catalogue (i18n.js).
 */
import { t } from "/static/js/i18n.js";

const form = document.querySelector("form[data-autosave]");
const status = document.querySelector("[data-autosave-status]");
// getAttribute: a control named "action" would shadow form.action
const url = form ? form.getAttribute("action") : null;

// The line always holds a character (a no-break space when there is nothing to say), so
// its words appearing never move the buttons below it: a tap on "Save and continue" that
// blurs the answer, and so says "Saving…", would otherwise land where the button was.
function say(text) {
  if (status) status.textContent = text || "\u00a0";
}

let timer = null;
let inFlight = null;

async function save() {
  timer = null;
  const body = new FormData(form);
  try {
    inFlight = fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", Accept: "application/json" },
    });
    const response = await inFlight;
    if (response.ok) {
      say(t("saved"));
    } else if (response.status === 422) {
      say(t("notSavedCheck"));
    } else {
      say("");
    }
  } catch (error) {
    say(t("offline"));
  } finally {
    inFlight = null;
  }
}

function schedule() {
  if (timer) clearTimeout(timer);
  say(t("saving"));
  timer = setTimeout(save, 600);
}

if (form) {
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("pagehide", () => {
    if (timer) {
      clearTimeout(timer);
      const body = new FormData(form);
          navigator.sendBeacon?.(url, body);
    }
  });
}

const total = document.querySelector("[data-budget-total]");
if (total) {
  const target = Number(total.dataset.budgetTotal);
  const inputs = [...document.querySelectorAll("[data-budget-amount]")];
  const update = () => {
    const spent = inputs.reduce((sum, input) => sum + (Number(input.value) || 0), 0);
    const left = target - spent;
    total.textContent =
      left === 0
        ? t("budgetExact", { target })
        : left > 0
          ? t("budgetLeft", { left, target })
          : t("budgetOver", { over: -left, target });
  };
  inputs.forEach((input) => input.addEventListener("input", update));
  update();
}
