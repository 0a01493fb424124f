/**
 * A consultation's dashboard: draws each <canvas data-chart="{...}"> with Chart.js (loaded
 * by the page as a classic deferred script, which sets window.Chart). Every chart has a
 * table of the same figures below it, so nothing depends on this script.
 *
 * A spec has `labels` and either one series (`label`, `values`) or `datasets`. Bars run
 * across (their box grows with the number of bars, so a short chart is short) except on a
 * `time_axis`: every day (or week) in order, empty ones included, left to right. `stacked`
 * stacks the series; `percent` puts the value axis from 0 to 100.
 */
const palette = ["#0b4f6c", "#f47738", "#0f7a52", "#ca3535", "#5694ca", "#912b88"];
const BAR_HEIGHT = 28; // px per bar (or group of bars) of a horizontal chart
const AXES_HEIGHT = 70; // px for the axis and the legend

const room = () => (window.innerWidth < 600 ? 22 : 40); // characters a bar's label may take
const short = (label) => (label.length > room() ? `${label.slice(0, room() - 1)}…` : label);

function datasets(spec) {
  const sets = spec.datasets || [{ label: spec.label, values: spec.values }];
  return sets.map((set, index) => ({
    label: set.label,
    data: set.values,
    backgroundColor: palette[index % palette.length],
    borderColor: palette[index % palette.length],
  }));
}

function draw() {
  const Chart = window.Chart;
  if (!Chart) return;
  Chart.defaults.color = "#0b0c0c"; // the page's text colour, not Chart.js's pale grey
  Chart.defaults.font.size = 14;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = JSON.parse(canvas.dataset.chart);
    const horizontal = !spec.time_axis;
    const box = canvas.parentElement;
    if (horizontal) {
      const groups = spec.stacked || !spec.datasets ? 1 : spec.datasets.length;
      box.style.height = `${AXES_HEIGHT + spec.labels.length * BAR_HEIGHT * Math.max(1, groups * 0.7)}px`;
    }
    const value = { beginAtZero: true, stacked: Boolean(spec.stacked), ticks: { precision: 0 }, ...(spec.percent ? { max: 100 } : {}) };
    const category = { stacked: Boolean(spec.stacked), ticks: spec.time_axis ? { autoSkip: true, maxRotation: 0 } : {} };
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels.map(short), datasets: datasets(spec) },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: { legend: { display: Boolean(spec.datasets && spec.datasets.length > 1) } },
      },
    });
  }
}

if (document.readyState === "complete") {
  draw();
} else {
  window.addEventListener("load", draw);
}
