// Analysis run page: polls the run's progress and moves the <progress> bar until the run
// finishes. Without JavaScript the page shows the saved progress and a "Refresh" link.
// The status words are the page's language's (consult/workspace/browser_strings.py).
import { t } from "./i18n.js";

const root = document.getElementById("run-progress");

if (root) {
  const bar = document.getElementById("run-bar");
  const percent = document.getElementById("run-percent");
  const message = document.getElementById("run-message");
  const status = document.getElementById("run-status");
  const refresh = document.getElementById("run-refresh");
  const done = document.getElementById("run-done");
  const failure = document.getElementById("run-error");
  const failureText = document.getElementById("run-error-text");
  const labels = { queued: t("runQueued"), running: t("runRunning"), done: t("runDone"), failed: t("runFailed") };
  const colours = { queued: "govuk-tag--grey", running: "govuk-tag--blue", done: "govuk-tag--green", failed: "govuk-tag--red" };

  const show = (state) => {
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    percent.textContent = `${state.percent}%`;
    if (message.textContent !== state.message) message.textContent = state.message;
    status.innerHTML = "";
    const tag = document.createElement("strong");
    tag.className = `govuk-tag ${colours[state.status] || ""}`;
    tag.textContent = labels[state.status] || state.status;
    status.append(tag);
    const finished = state.status === "done" || state.status === "failed";
    refresh.hidden = finished;
    done.hidden = state.status !== "done";
    failure.hidden = state.status !== "failed";
    if (state.status === "failed" && state.error) failureText.textContent = state.error;
    return finished;
  };

  const poll = async () => {
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok && show(await response.json())) return;
    } catch (error) {
      // the network blinked: try again shortly
    }
    window.setTimeout(poll, 700);
  };
  poll();
}
