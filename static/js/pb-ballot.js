/**
 * A participatory budgeting ballot's running total ([data-running-total]): the cost of
 * the projects ticked on a spend-the-budget ballot, or the points given on a cumulative
 * one, against the limit in data-limit. The server checks the same limit; this only
 * tells the voter as they go. Without JavaScript the total shown is the one the page was
 * sent with. Its sentences are the page's language's (consult/pb/blueprint.py pb_strings).
 */
import { t } from "./i18n.js";

const total = document.querySelector("[data-running-total]");

function money(value) {
  return "£" + value.toLocaleString("en-GB");
}

function update() {
  const limit = Number(total.dataset.limit);
  const form = total.closest("form");
  if (total.dataset.runningTotal === "cost") {
    let spent = 0;
    for (const box of form.querySelectorAll("input[type=checkbox][data-cost]:checked")) {
      spent += Number(box.dataset.cost);
    }
    total.textContent =
      spent <= limit
        ? t("pbChosenLeft", { chosen: money(spent), budget: money(limit), left: money(limit - spent) })
        : t("pbChosenOver", { chosen: money(spent), over: money(spent - limit), budget: money(limit) });
  } else {
    let given = 0;
    for (const input of form.querySelectorAll("input[data-points]")) {
      const value = input.value.trim();
      if (/^\d+$/.test(value)) given += Number(value);
    }
    total.textContent =
      given <= limit
        ? t("pbPointsLeft", { given, limit, left: limit - given })
        : t("pbPointsOver", { given, over: given - limit, limit });
  }
}

if (total) {
  total.closest("form").addEventListener("input", update);
  total.closest("form").addEventListener("change", update);
}
