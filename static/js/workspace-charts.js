// Workspace charts (Chart.js, vendored): fetches the figures the page's tables show and
// draws them. Every chart has a table with the same numbers, so nothing is lost without JS.
const palette = ["#0b4f6c", "#d4351c", "#00703c", "#f47738", "#5694ca", "#912b88", "#85994b", "#6f72af"];

const ready = () =>
  new Promise((resolve) => {
    if (window.Chart) return resolve(window.Chart);
    window.addEventListener("load", () => resolve(window.Chart));
  });

const short = (label) => (label.length > 32 ? `${label.slice(0, 31)}…` : label);

const bar = (Chart, canvas, labels, datasets, options = {}) =>
  new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: { indexAxis: "y", maintainAspectRatio: false, animation: false, responsive: true, ...options },
  });

async function consultationCharts(Chart, url) {
  const data = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
  const time = document.getElementById("chart-over-time");
  if (time) {
    new Chart(time, {
      type: "line",
      data: {
        labels: data.over_time.map((d) => d.date),
        datasets: [{ label: "Responses", data: data.over_time.map((d) => d.count), borderColor: palette[0], backgroundColor: palette[0] }],
      },
      options: { maintainAspectRatio: false, animation: false },
    });
  }
  document.querySelectorAll("canvas.chart-themes").forEach((canvas) => {
    const question = data.questions[Number(canvas.dataset.question)];
    const labels = question.themes.map((t) => short(t.label));
    bar(Chart, canvas, labels, [
      { label: "Individuals", data: question.themes.map((t) => t.groups.individual), backgroundColor: palette[0] },
      { label: "Organisations", data: question.themes.map((t) => t.groups.organisation), backgroundColor: palette[3] },
    ], { scales: { x: { stacked: true }, y: { stacked: true } } });
  });
  document.querySelectorAll("canvas.chart-sentiment").forEach((canvas) => {
    const question = data.questions[Number(canvas.dataset.question)];
    const themes = question.themes.filter((t) => !t.no_comment);
    const series = [["positive", "Positive", palette[2]], ["neutral", "Neutral", "#b1b4b6"], ["negative", "Negative", palette[1]]];
    bar(Chart, canvas, themes.map((t) => short(t.label)), series.map(([key, label, colour]) => ({
      label, data: themes.map((t) => Math.round(t.sentiment[key] * 100)), backgroundColor: colour,
    })), { scales: { x: { stacked: true, max: 100 }, y: { stacked: true } } });
  });
  document.querySelectorAll("canvas.chart-profile").forEach((canvas) => {
    const field = data.profile[Number(canvas.dataset.field)];
    bar(Chart, canvas, field.values.map((v) => v.value), [
      { label: "Respondents (%)", data: field.values.map((v) => Math.round(v.share * 100)), backgroundColor: palette[0] },
      { label: "Population (%)", data: field.values.map((v) => (v.reference == null ? null : Math.round(v.reference * 100))), backgroundColor: "#b1b4b6" },
    ]);
  });
}

function opinionMaps(Chart, element) {
  const maps = JSON.parse(element.dataset.maps);
  document.querySelectorAll("canvas.workspace-opinion").forEach((canvas) => {
    const poll = maps[Number(canvas.dataset.poll)];
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: poll.groups.map((group, index) => ({
          label: `Group ${index + 1} (${group.size})`,
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
  const source = document.getElementById("chart-data");
  if (source) consultationCharts(Chart, source.dataset.url);
  const opinion = document.getElementById("opinion-data");
  if (opinion) opinionMaps(Chart, opinion);
});
