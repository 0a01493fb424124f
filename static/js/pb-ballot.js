/**
 * A participatory budgeting ballot's running total ([data-running-total]): the cost of
 * the projects ticked on a spend-the-budget ballot, or the points given on a cumulative
 * one, against the limit in data-limit. The server checks the same limit; this only
 * tells the voter as they go. Without JavaScript the total shown is the one the page was
 * sent with.
 */
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
        ? `Chosen so far: ${money(spent)} of ${money(limit)}, ${money(limit - spent)} left.`
        : `Chosen so far: ${money(spent)}, ${money(spent - limit)} over the budget of ${money(limit)}.`;
  } else {
    let given = 0;
    for (const input of form.querySelectorAll("input[data-points]")) {
      const value = input.value.trim();
      if (/^\d+$/.test(value)) given += Number(value);
    }
    total.textContent =
      given <= limit
        ? `Points given so far: ${given} of ${limit}, ${limit - given} left.`
        : `Points given so far: ${given}, ${given - limit} more than the ${limit} you have.`;
  }
}

if (total) {
  total.closest("form").addEventListener("input", update);
  total.closest("form").addEventListener("change", update);
}
