/**
 * The public gallery (templates/live/gallery.html): read-only, anonymous. Shows public
 * rounds, contributions the facilitator marked public, revealed polls and decisions.
 */
import { t } from "/static/js/i18n.js";
import { Timer, clear, connectLive, el, elInLanguage, pollResults, renderRound, syncList, translationNote, upsert } from "/static/js/live-common.js";

const root = document.getElementById("live-root");
const sessionId = Number(root.dataset.sessionId);
const timer = new Timer(document.getElementById("timer"), document.getElementById("timer-status"));
let state = null;

function renderContributions() {
  const list = document.getElementById("gallery-contributions");
  clear(list);
  if (!state.contributions.length) list.append(el("li", {}, t("nothingShared")));
  for (const c of state.contributions) list.append(el("li", { class: "govuk-inset-text", dataset: { id: c.id } }, c.text));
}

function drawPoll(poll) {
  return el("section", { class: "consult-card" }, [elInLanguage("h3", { class: "consult-card__title" }, poll, "question"), translationNote(poll), pollResults(poll)]);
}

function drawRecommendation(r) {
  return el("section", { class: "consult-card" }, [
    el("h3", { class: "consult-card__title" }, r.title),
    el("p", { class: "govuk-body" }, r.text),
    el("p", { class: "govuk-body" }, [
      el("strong", { class: "govuk-tag" }, r.status === "passed" ? t("recPassed") : t("recFailed")),
      document.createTextNode(` ${t("supportCounts", { support: r.votes_for, oppose: r.votes_against, abstain: r.votes_abstain })}`),
    ]),
  ]);
}

function renderAll() {
  renderRound({ ...state, session: { ...state.session, announcement: state.announcement } }, timer);
  renderContributions();
  syncList(document.getElementById("gallery-polls"), state.polls, "id", drawPoll);
  syncList(document.getElementById("gallery-recommendations"), state.recommendations, "id", drawRecommendation);
}

connectLive({
  sessionId,
  gallery: true,
  statusNode: document.getElementById("live-status"),
  handlers: {
    state: (s) => { state = s; renderAll(); },
    event: (name, p) => {
      if (!state) return;
      if (name === "round_changed") { Object.assign(state, { round: p.round, rounds: p.rounds, session: p.session, server_now: p.server_now }); }
      else if (name === "contribution_added") upsert(state.contributions, p);
      else if (name === "contribution_hidden") state.contributions = state.contributions.filter((c) => c.id !== p.id);
      else if (name === "poll_changed") upsert(state.polls, p);
      else if (name === "recommendation_changed") upsert(state.recommendations, p);
      renderAll();
    },
  },
});
