/**
 * A consultation's dashboard: draws each <canvas data-chart="{...}"> with Chart.js (loaded
 * by the page as a classic deferred script, which sets window.Chart). Every chart has a
 * table of the same figures next to it, so nothing depends on this script.
 */
function draw() {
  const Chart = window.Chart;
  if (!Chart) return;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [
          {
            label: spec.label,
            data: spec.values,
            backgroundColor: "#0b4f6c",
            borderColor: "#0b4f6c",
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: spec.type === "bar" && spec.labels.length > 4 ? "y" : "x",
        plugins: { legend: { display: false } },
        animation: false,
      },
    });
  }
}

if (document.readyState === "complete") {
  draw();
} else {
  window.addEventListener("load", draw);
}
