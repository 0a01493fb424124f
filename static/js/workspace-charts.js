// A jury's opinion maps (Chart.js, vendored), from the figures the page's tables show; the
// consultation charts are drawn by consultation-dashboard.js on the dashboard.
import { t } from "./i18n.js";

const palette = ["#0b4f6c", "#d4351c", "#00703c", "#f47738", "#5694ca", "#912b88", "#85994b", "#6f72af"];

const ready = () =>
  new Promise((resolve) => {
    if (window.Chart) return resolve(window.Chart);
    window.addEventListener("load", () => resolve(window.Chart));
  });

function opinionMaps(Chart, element) {
  const maps = JSON.parse(element.dataset.maps);
  document.querySelectorAll("canvas.workspace-opinion").forEach((canvas) => {
    const poll = maps[Number(canvas.dataset.poll)];
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: poll.groups.map((group, index) => ({
          label: t("opinionGroup", { number: index + 1, size: group.size }),
          data: group.points.map(([x, y]) => ({ x, y })),
          backgroundColor: palette[index % palette.length],
        })),
      },
      options: { maintainAspectRatio: false, animation: false },
    });
  });
}

ready().then((Chart) => {
  if (!Chart) return;
  const opinion = document.getElementById("opinion-data");
  if (opinion) opinionMaps(Chart, opinion);
});
