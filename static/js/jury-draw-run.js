/**
 * A jury draw being computed (templates/juries/draw_run.html): polls the draw's progress
 * every second and moves the <progress> bar, the stage and the time so far. When the draw
 * is done it opens the proposal; when it fails it reloads, and the page explains why.
 * Without JavaScript the page shows the saved progress and a "Refresh" link.
 */
const root = document.getElementById("draw-run");

if (root && (root.dataset.status === "queued" || root.dataset.status === "running")) {
  const bar = document.getElementById("draw-run-bar");
  const percent = document.getElementById("draw-run-percent");
  const stage = document.getElementById("draw-run-stage");
  const elapsed = document.getElementById("draw-run-elapsed");
  const status = document.getElementById("draw-run-status");
  const refresh = document.getElementById("draw-run-refresh");
  const colours = { queued: "govuk-tag--grey", running: "govuk-tag--blue", done: "govuk-tag--green", failed: "govuk-tag--red" };
  refresh.hidden = true; // the page keeps itself up to date

  const show = (state) => {
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    percent.textContent = `${state.percent}%`;
    if (stage.textContent !== state.stage) stage.textContent = state.stage;
    elapsed.textContent = state.elapsed_text;
    status.className = `govuk-tag ${colours[state.status] || ""}`;
    status.textContent = state.label;
    if (state.status === "done" && state.result_url) {
      window.location.assign(state.result_url);
      return true;
    }
    if (state.status === "failed") {
      window.location.reload();
      return true;
    }
    return false;
  };

  const poll = async () => {
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok && show(await response.json())) return;
    } catch (error) {
      // the network blinked: try again shortly
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
}
