/**
 * The juror's live view (templates/live/juror.html): round and timer, table and room chat,
 * raise/lower hand, ideas, polls, recommendations (amend, vote, minority reports).
 *
 * The server draws the page, and every action on it is a plain form that works without
 * JavaScript (templates/live/_juror_cards.html). This module keeps the page live over
 * Socket.IO and enhances those same forms: while the socket is joined, a submit goes
 * over it with the form's own client_id (a double click or a retry never duplicates),
 * focus stays where it is and the outcome is announced in #live-notice; while it is
 * not, the browser posts the form as usual. Cards are redrawn here with the server's
 * markup (same ids, names and classes) and morphed in place, so what the juror is
 * typing, their choices and focus survive everyone else's events.
 */
import { t, tn } from "/static/js/i18n.js";
import {
  Timer, clear, connectLive, el, elInLanguage, inLanguage, newClientId, pollResults, renderChat, renderRound,
  syncList, translationNote, upsert, upsertChat,
} from "/static/js/live-common.js";

const root = document.getElementById("live-root");
const sessionId = Number(root.dataset.sessionId);
const me = Number(root.dataset.memberId);
const baseUrl = root.dataset.baseUrl;
const csrfToken = root.dataset.csrfToken;
const timer = new Timer(document.getElementById("timer"), document.getElementById("timer-status"));
const byId = (id) => document.getElementById(id);
const problems = new Map(); // form id -> {fieldId, message}: a refusal shown beside its field
const pending = new Set(); // ids of forms waiting for an acknowledgement
let state = null;
let live = null;

function say(text) {
  const node = byId("live-notice");
  node.textContent = "";
  window.setTimeout(() => { node.textContent = text; }, 50);
}

// ------------------------------------------------------------------ hands, table, ideas

function myHand() {
  return (state.hands || []).find((h) => h.member_id === me);
}

function handScope() {
  return state.round && state.round.kind === "table_discussion" && state.table ? "table" : "room";
}

/** The hand form posts to raise or lower (without JavaScript too): keep it current. */
function renderHandForm(hand) {
  const form = byId("hand-form");
  form.action = hand ? form.dataset.lowerUrl : form.dataset.raiseUrl;
  byId("hand-id").value = hand ? String(hand.id) : "";
  byId("hand-scope").value = handScope();
  const button = byId("hand-button");
  button.textContent = hand ? t("lowerHand") : t("raiseHand");
  button.setAttribute("aria-pressed", hand ? "true" : "false");
  button.disabled = !!state.viewer.muted;
}

function renderHands() {
  renderHandForm(myHand());
  const queue = byId("queue");
  clear(queue);
  const hands = state.hands || [];
  queue.hidden = !hands.length;
  byId("queue-empty").hidden = hands.length > 0;
  hands.forEach((h) => queue.append(el("li", {}, h.table_id ? t("handAtTable", { name: h.name }) : h.name)));
  const floor = byId("floor");
  const speakers = state.floor || [];
  floor.textContent = speakers.length
    ? speakers.map((s) => floorText(s)).join(" ")
    : t("nobodyHasFloor");
  byId("muted-note").hidden = !state.viewer.muted;
}

/** Who has the floor, in a sentence (the server's page says the same). */
function floorText(turn) {
  if (turn.member_id === me) return turn.table_id ? t("youFloorTable") : t("youFloor");
  return turn.table_id ? t("nameFloorTable", { name: turn.name }) : t("nameFloor", { name: turn.name });
}

/** An ended session: the header says so (renderRound) and every action is disabled,
 * greyed out, by the fieldset around them. */
function renderEnded() {
  const ended = state.session.status === "ended";
  root.dataset.sessionStatus = state.session.status;
  const actions = byId("juror-actions");
  if (actions.disabled !== ended) actions.disabled = ended;
}

/** A refusal shown on screen (beside the hand button), not only announced. */
function showHandError(message) {
  const node = byId("hand-error");
  clear(node);
  if (message) {
    node.append(el("span", { class: "govuk-visually-hidden" }, t("error")), document.createTextNode(` ${message}`));
  }
  node.hidden = !message;
}

function renderTable() {
  const heading = byId("table-heading");
  const section = byId("table-section");
  section.hidden = !state.table;
  if (state.table) {
    heading.textContent = t("yourTable", { name: state.table.name });
    byId("scribe-section").hidden = !state.viewer.scribe;
  }
}

function renderIdeas() {
  const list = byId("ideas");
  const ideas = (state.ideas || []).filter((i) => !i.hidden);
  const board = state.idea_board || { themes: [] };
  const byIdea = new Map(ideas.map((i) => [i.id, i]));
  clear(list);
  const themed = new Set();
  for (const theme of board.themes || []) {
    const items = theme.idea_ids.map((id) => byIdea.get(id)).filter(Boolean);
    if (!items.length) continue;
    items.forEach((i) => themed.add(i.id));
    list.append(el("li", {}, [
      // a numbered theme carries its Welsh (label_cy); a found or written label is as written
      el("h3", { class: "govuk-heading-s govuk-!-margin-bottom-1" }, `${(document.documentElement.lang === "cy" && theme.label_cy) || theme.label} (${items.length})`),
      el("ul", { class: "govuk-list govuk-list--bullet" }, items.map((i) => el("li", {}, i.text))),
    ]));
  }
  const rest = ideas.filter((i) => !themed.has(i.id));
  if (rest.length) {
    list.append(el("li", {}, [
      el("h3", { class: "govuk-heading-s govuk-!-margin-bottom-1" }, board.themes && board.themes.length ? t("notGrouped") : t("ideasSoFar")),
      el("ul", { class: "govuk-list govuk-list--bullet" }, rest.map((i) => el("li", {}, i.text))),
    ]));
  }
  if (!ideas.length) list.append(el("li", { class: "govuk-body" }, t("noIdeas")));
}

// ------------------------------------------------------------------ form pieces
// Each mirrors a macro in templates/live/_juror_cards.html: keep ids and names the same.

function hiddenFields(formId) {
  return [
    el("input", { type: "hidden", name: "csrf_token", value: csrfToken }),
    el("input", { type: "hidden", name: "client_id", id: `${formId}-client-id`, value: `form-${newClientId()}` }),
  ];
}

function liveForm(formId, path, live, data, children, className = null) {
  const form = el("form", { method: "post", action: `${baseUrl}${path}`, id: formId, class: className, novalidate: true, dataset: { live, ...data } }, [
    ...hiddenFields(formId),
    ...children,
  ]);
  showProblem(form);
  return form;
}

function submitButton(formId, label, secondary = true) {
  return el("button", { type: "submit", class: `govuk-button${secondary ? " govuk-button--secondary" : ""}`, id: `${formId}-submit` }, label);
}

function textareaGroup(id, name, label, { hint = null, rows = 2, maxlength = 1000 } = {}) {
  return el("div", { class: "govuk-form-group" }, [
    el("label", { class: "govuk-label", for: id }, label),
    hint ? el("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : null,
    el("textarea", { class: "govuk-textarea", id, name, rows: String(rows), maxlength: String(maxlength), "aria-describedby": hint ? `${id}-hint` : null }),
  ]);
}

function radios(prefix, name, choices, checked, inline = false) {
  return el("div", { class: `govuk-radios govuk-radios--small${inline ? " govuk-radios--inline" : ""}` }, choices.map(([value, label, suffix]) =>
    el("div", { class: "govuk-radios__item" }, [
      el("input", { class: "govuk-radios__input", type: "radio", id: `${prefix}-${suffix}`, name, value, checked: checked !== undefined && checked !== null && String(checked) === value }),
      // a label is text, or {text, lang} for a poll option in the page's language (inLanguage)
      el("label", { class: "govuk-label govuk-radios__label", for: `${prefix}-${suffix}`, lang: label.lang }, label.text ?? label),
    ])));
}

/** The group a field's error belongs to: the form's own group (a poll's fields share one). */
function formGroup(form, field) {
  let group = field.closest(".govuk-form-group");
  while (group && group.parentElement !== form) group = group.parentElement.closest(".govuk-form-group");
  return group;
}

/** Show the form's refusal (from `problems`) beside its field, as the server draws it;
 * with none, clear any shown before. */
function showProblem(form) {
  form.querySelectorAll("[data-form-error]").forEach((node) => {
    const field = node.dataset.fieldId ? form.querySelector(`#${CSS.escape(node.dataset.fieldId)}`) : null;
    if (field) {
      const described = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== node.id);
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    node.remove();
  });
  form.querySelectorAll(".govuk-form-group--error").forEach((n) => n.classList.remove("govuk-form-group--error"));
  form.querySelectorAll(".govuk-textarea--error, .govuk-input--error").forEach((n) => n.classList.remove("govuk-textarea--error", "govuk-input--error"));
  const problem = problems.get(form.id);
  if (!problem) return;
  const field = problem.fieldId ? form.querySelector(`#${CSS.escape(problem.fieldId)}`) : null;
  const messageId = `${problem.fieldId || form.id}-error`;
  const message = el("p", { class: "govuk-error-message", id: messageId, dataset: { formError: "", fieldId: problem.fieldId || "", message: problem.message } }, [
    el("span", { class: "govuk-visually-hidden" }, t("error")),
    document.createTextNode(` ${problem.message}`),
  ]);
  if (!field) { // a form with only a button (signing a report): the message above it
    form.prepend(message);
    return;
  }
  const group = formGroup(form, field) || form;
  group.classList.add("govuk-form-group--error");
  if (field.parentElement === group) group.insertBefore(message, field);
  else group.prepend(message);
  if (field.type !== "radio") {
    field.classList.add(field.tagName === "TEXTAREA" ? "govuk-textarea--error" : "govuk-input--error");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", [...described, message.id].join(" "));
  }
}

/** The refusals the server drew into the page (a form posted without the socket). The
 * refused form shows what the juror entered as its defaults: mark those fields as
 * edited, so redrawing the card from the state keeps them. */
function readProblems() {
  for (const node of document.querySelectorAll("[data-form-error]")) {
    const form = node.closest("form");
    if (!form) continue;
    problems.set(form.id, { fieldId: node.dataset.fieldId, message: node.dataset.message });
    for (const field of form.elements) {
      // assigning a field's own value marks it as edited (its "dirty" flag)
      if (field.type === "radio" || field.type === "checkbox") field.checked = field.checked;
      else if (field.type !== "hidden" && "value" in field) field.value = field.value;
    }
  }
}

// ------------------------------------------------------------------ ballots
// Read a poll's form the way consult/live/poll_kinds.py does (each kind's read_form), with the same messages.

const AGREEMENT = { 1: 1, "-1": -1, 0: 0 };
const WHOLE_NUMBER = /^[0-9]+$/;
const AMOUNT = /^[0-9]+(\.[0-9]{1,2})?$/;

function firstField(poll) {
  if (poll.kind === "agree_disagree") return poll.statements.length ? `statement-${poll.statements[0].id}` : "value";
  if (poll.kind === "single_choice") return "choice";
  return `${poll.kind === "ranking" ? "rank" : "amount"}-${poll.options[0].value}`;
}

function refusal(message, name) {
  return { error: { code: "invalid", message, fields: { [name]: message } } };
}

function fieldValue(form, name) {
  const item = form.elements.namedItem(name);
  return item ? String(item.value || "").trim() : "";
}

function agreementBallot(poll, form) {
  const ballot = {};
  for (const statement of poll.statements) {
    const name = `statement-${statement.id}`;
    const raw = fieldValue(form, name);
    if (!raw) continue;
    if (!Object.hasOwn(AGREEMENT, raw)) return refusal(t("chooseAgree"), name);
    ballot[String(statement.id)] = AGREEMENT[raw];
  }
  if (!Object.keys(ballot).length) return refusal(t("chooseAgreeOne"), firstField(poll));
  return { value: ballot };
}

function rankingBallot(poll, form) {
  const places = new Map();
  for (const option of poll.options) {
    const name = `rank-${option.value}`;
    const raw = fieldValue(form, name);
    if (!raw) continue;
    const place = Number(raw);
    if (!WHOLE_NUMBER.test(raw) || place < 1 || place > poll.options.length) {
      return refusal(t("rankNumber", { num: poll.options.length, option: inLanguage(option, "label").text }), name);
    }
    if (places.has(place)) return refusal(t("rankDifferent"), name);
    places.set(place, option.value);
  }
  if (!places.size) return refusal(t("rankNone"), firstField(poll));
  return { value: [...places.keys()].sort((a, b) => a - b).map((place) => places.get(place)) };
}

function amountBallot(poll, form) {
  const dots = poll.kind === "dots";
  const ballot = {};
  for (const option of poll.options) {
    const name = `amount-${option.value}`;
    const raw = fieldValue(form, name);
    if (!raw) continue;
    if (!(dots ? WHOLE_NUMBER : AMOUNT).test(raw)) {
      const label = inLanguage(option, "label").text;
      return refusal(dots ? t("dotsAmount", { label }) : t("budgetAmount", { label }), name);
    }
    if (Number(raw)) ballot[option.value] = Number(raw);
  }
  if (!Object.keys(ballot).length) {
    return refusal(dots ? t("dotsNone") : t("budgetNone"), firstField(poll));
  }
  return { value: ballot };
}

function ballotFromForm(poll, form) {
  if (poll.kind === "agree_disagree") return agreementBallot(poll, form);
  if (poll.kind === "single_choice") {
    const choice = fieldValue(form, "choice");
    return choice ? { value: choice } : refusal(t("chooseOption"), "choice");
  }
  if (poll.kind === "ranking") return rankingBallot(poll, form);
  return amountBallot(poll, form);
}

/** The form's field values for the juror's ballot (poll_kinds.fields_from_ballot). */
function fieldsFromBallot(poll, ballot) {
  if (ballot === null || ballot === undefined) return {};
  if (poll.kind === "agree_disagree") return Object.fromEntries(Object.entries(ballot).map(([id, vote]) => [`statement-${id}`, String(vote)]));
  if (poll.kind === "single_choice") return { choice: String(ballot) };
  if (poll.kind === "ranking") return Object.fromEntries(ballot.map((value, index) => [`rank-${value}`, String(index + 1)]));
  return Object.fromEntries(Object.entries(ballot).map(([value, amount]) => [`amount-${value}`, String(amount)]));
}

// ------------------------------------------------------------------ polls

function numberFields(poll, values, prefix, legend, hint, inputmode) {
  return el("fieldset", { class: "govuk-fieldset", "aria-describedby": `poll-${poll.id}-hint` }, [
    el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, legend),
    el("div", { class: "govuk-hint", id: `poll-${poll.id}-hint` }, hint),
    ...poll.options.map((option) => {
      const name = `${prefix}-${option.value}`;
      const id = `poll-${poll.id}-${name}`;
      return el("div", { class: "govuk-form-group govuk-!-margin-bottom-3" }, [
        elInLanguage("label", { class: "govuk-label", for: id }, option, "label"),
        el("input", { class: "govuk-input govuk-input--width-4", id, name, type: "text", inputmode, spellcheck: "false", autocomplete: "off", value: values[name] ?? "" }),
      ]);
    }),
  ]);
}

function pollFields(poll, values) {
  const prefix = `poll-${poll.id}`;
  if (poll.kind === "agree_disagree") {
    return poll.statements.map((statement) => {
      const name = `statement-${statement.id}`;
      return el("fieldset", { class: "govuk-fieldset govuk-!-margin-bottom-4" }, [
        elInLanguage("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, statement, "text"),
        radios(`${prefix}-${name}`, name, [["1", t("agree"), "agree"], ["-1", t("disagree"), "disagree"], ["0", t("pass"), "pass"]], values[name], true),
      ]);
    });
  }
  if (poll.kind === "single_choice") {
    return [el("fieldset", { class: "govuk-fieldset" }, [
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, t("chooseOne")),
      radios(`${prefix}-choice`, "choice", poll.options.map((o) => [o.value, inLanguage(o, "label"), o.value]), values.choice),
    ])];
  }
  const count = poll.options.length;
  if (poll.kind === "ranking") {
    return [numberFields(poll, values, "rank", t("rankLegend"), t("rankHint", { num: count }), "numeric")];
  }
  if (poll.kind === "dots") {
    const dots = poll.dots_per_member;
    return [numberFields(poll, values, "amount", t("dotsLegend"), tn("dotsHint", dots), "numeric")];
  }
  const total = poll.budget_total;
  return [numberFields(poll, values, "amount", t("budgetLegend"), t("budgetHint", { total }), "decimal")];
}

function pollForm(poll) {
  const formId = `poll-${poll.id}-form`;
  const voted = poll.my_ballot !== null && poll.my_ballot !== undefined;
  return liveForm(formId, `/polls/${poll.id}/ballot`, "ballot", { pollId: poll.id }, [
    el("div", { class: "govuk-form-group" }, pollFields(poll, fieldsFromBallot(poll, poll.my_ballot))),
    submitButton(formId, voted ? t("changeVote") : t("sendVote"), false),
  ], "govuk-!-margin-top-4");
}

function drawPoll(poll) {
  const statusText = poll.status === "open" ? t("pollOpen") : poll.revealed ? t("pollResults") : t("pollClosed");
  const box = el("article", { class: "consult-card", id: `poll-${poll.id}`, "aria-labelledby": `poll-${poll.id}-title` }, [
    elInLanguage("h3", { class: "consult-card__title", id: `poll-${poll.id}-title` }, poll, "question"),
    el("strong", { class: "govuk-tag" }, statusText),
    translationNote(poll),
  ]);
  if (poll.status === "open") {
    if (poll.my_ballot !== null && poll.my_ballot !== undefined) {
      box.append(el("p", { class: "govuk-body-s govuk-!-margin-top-3" }, t("youHaveVoted")));
    }
    box.append(pollForm(poll));
  } else if (!poll.revealed) {
    box.append(el("p", { class: "govuk-body govuk-!-margin-top-3" }, t("votingClosed")));
  }
  if (poll.revealed && poll.results) box.append(pollResults(poll));
  return box;
}

// ------------------------------------------------------------------ recommendations

const REC_STATUS = { draft: t("recDraft"), voting: t("recVoting"), passed: t("recPassed"), failed: t("recFailed"), withdrawn: t("recWithdrawn") };

function amendmentForm(rec) {
  const formId = `rec-${rec.id}-amend-form`;
  return liveForm(formId, `/recommendations/${rec.id}/amendments`, "amendment", { recommendationId: rec.id }, [
    textareaGroup(`rec-${rec.id}-amend`, "text", t("proposeWording"), { rows: 3, maxlength: 5000 }),
    textareaGroup(`rec-${rec.id}-why`, "rationale", t("whyOptional"), { rows: 2, maxlength: 1000 }),
    submitButton(formId, t("proposeAmendment")),
  ]);
}

function voteForm(rec) {
  const formId = `rec-${rec.id}-vote-form`;
  return liveForm(formId, `/recommendations/${rec.id}/vote`, "vote", { recommendationId: rec.id }, [
    el("div", { class: "govuk-form-group" }, [
      el("fieldset", { class: "govuk-fieldset" }, [
        el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, t("voteLegend", { share: Math.round(rec.threshold * 100) })),
        radios(`rec-${rec.id}-vote`, "choice", [["support", t("support"), "support"], ["oppose", t("oppose"), "oppose"], ["abstain", t("abstain"), "abstain"]], rec.my_vote),
      ]),
    ]),
    submitButton(formId, rec.my_vote ? t("changeVote") : t("vote"), false),
  ]);
}

function minorityReport(report) {
  const author = report.author || t("aJuror");
  const item = el("div", { class: "govuk-inset-text", id: `report-${report.id}` }, [
    el("p", { class: "govuk-body" }, report.text),
    el("p", { class: "govuk-body-s" }, tn("signatures", report.signatures, { author })),
  ]);
  if (!report.signer_ids.includes(me)) {
    const formId = `report-${report.id}-sign-form`;
    item.append(liveForm(formId, `/minority-reports/${report.id}/signatures`, "sign", { reportId: report.id }, [
      el("button", { type: "submit", class: "govuk-button govuk-button--secondary", id: `${formId}-submit` }, [
        document.createTextNode(t("signReport")),
        el("span", { class: "govuk-visually-hidden" }, ` ${t("byAuthor", { author })}`),
      ]),
    ]));
  }
  return item;
}

function minorityForm(rec) {
  const formId = `rec-${rec.id}-minority-form`;
  return el("details", { class: "govuk-details", id: `rec-${rec.id}-minority-details` }, [
    el("summary", { class: "govuk-details__summary" }, [el("span", { class: "govuk-details__summary-text" }, t("disagreeWrite"))]),
    el("div", { class: "govuk-details__text" }, [
      liveForm(formId, `/recommendations/${rec.id}/minority-reports`, "minority", { recommendationId: rec.id }, [
        textareaGroup(`rec-${rec.id}-minority`, "text", t("writeMinority"), { hint: t("minorityHint"), rows: 3, maxlength: 5000 }),
        submitButton(formId, t("attachMinority")),
      ]),
    ]),
  ]);
}

const CHOICES = { support: t("support"), oppose: t("oppose"), abstain: t("abstain") };
const percent = (share) => `${Math.round(share * 100)}%`;

/** Why it passed or not (as _juror_cards.html's decision_reason draws it). */
function decisionReasons(rec) {
  const d = rec.decision;
  const jurors = state.jurors || 0;
  const row = (key, value) => el("div", { class: "govuk-summary-list__row" }, [
    el("dt", { class: "govuk-summary-list__key" }, key),
    el("dd", { class: "govuk-summary-list__value" }, value),
  ]);
  return el("dl", { class: "govuk-summary-list govuk-summary-list--no-border consult-decision", id: `rec-${rec.id}-decision` }, [
    row(t("support"), `${t("supportShare", { share: percent(d.support_share), support: rec.votes_for, oppose: rec.votes_against })} ${t(d.threshold_met ? "neededMet" : "neededNotMet", { needed: percent(d.threshold) })}`),
    row(t("quorum"), `${tn("quorumNeeded", d.quorum, { cast: d.votes_cast })} ${t(d.quorate ? "met" : "notMet")}`),
    row(t("turnout"), tn("turnoutText", jurors, { cast: d.votes_cast })),
    row(t("yourVote"), rec.my_vote ? CHOICES[rec.my_vote] : t("didNotVote")),
  ]);
}

function drawRecommendation(rec) {
  const id = `rec-${rec.id}`;
  const box = el("article", { class: "consult-card", id, "aria-labelledby": `${id}-title` }, [
    el("h3", { class: "consult-card__title", id: `${id}-title` }, rec.title),
    el("strong", { class: "govuk-tag" }, REC_STATUS[rec.status]),
    el("p", { class: "govuk-body govuk-!-margin-top-3" }, rec.text),
  ]);
  if (rec.amendments.length) {
    box.append(el("h4", { class: "govuk-heading-s" }, t("amendments")));
    box.append(el("ul", { class: "govuk-list govuk-list--bullet" }, rec.amendments.map((a) =>
      el("li", {}, `${a.text} — ${a.author || "a juror"} (${a.status})`))));
  }
  if (rec.status === "draft") box.append(amendmentForm(rec));
  if (rec.status === "voting") box.append(voteForm(rec));
  if (rec.status === "passed" || rec.status === "failed") {
    box.append(el("p", { class: "govuk-body" }, `Support ${rec.votes_for}, oppose ${rec.votes_against}, abstain ${rec.votes_abstain}.`));
    if (rec.decision) box.append(decisionReasons(rec));
  }
  if (rec.minority_reports.length) {
    box.append(el("h4", { class: "govuk-heading-s" }, t("minorityReports")));
    rec.minority_reports.forEach((report) => box.append(minorityReport(report)));
  }
  if (rec.status !== "withdrawn") box.append(minorityForm(rec));
  return box;
}

function drawPolls() {
  syncList(byId("polls"), state.polls || [], "id", drawPoll);
}

function drawRecommendations() {
  syncList(byId("recommendations"), state.recommendations || [], "id", drawRecommendation);
}

// ------------------------------------------------------------------ sending the forms

function text(form, name = "text") {
  return form.elements.namedItem(name).value;
}

function recommendationId(form) {
  return Number(form.dataset.recommendationId);
}

/** What each kind of form (`data-live`) sends, and what the juror is told. */
const ACTIONS = {
  ballot: {
    event: "cast_ballot",
    data(form) {
      const poll = state.polls.find((p) => p.id === Number(form.dataset.pollId));
      if (!poll) return { error: { code: "not_found", message: t("pollNotOpen"), fields: {} } };
      const ballot = ballotFromForm(poll, form);
      return ballot.error ? ballot : { poll_id: poll.id, value: ballot.value };
    },
    done: t("ballotDone"),
    after(form, ack) {
      const poll = state.polls.find((p) => p.id === Number(form.dataset.pollId));
      if (poll) poll.my_ballot = ack.value;
      drawPolls();
    },
  },
  vote: {
    event: "cast_vote",
    data: (form) => ({ recommendation_id: recommendationId(form), choice: fieldValue(form, "choice") || null }),
    done: t("voteDone"),
    after(form, ack) {
      const rec = state.recommendations.find((r) => r.id === recommendationId(form));
      if (rec) rec.my_vote = ack.choice;
      drawRecommendations();
    },
  },
  amendment: {
    event: "propose_amendment",
    data: (form) => ({ recommendation_id: recommendationId(form), text: text(form), rationale: text(form, "rationale") }),
    done: t("amendmentDone"),
    clear: true,
  },
  minority: {
    event: "write_minority_report",
    data: (form) => ({ recommendation_id: recommendationId(form), text: text(form) }),
    done: t("minorityDone"),
    clear: true,
  },
  sign: {
    event: "sign_minority_report",
    command: true,
    data: (form) => ({ report_id: Number(form.dataset.reportId) }),
    done: t("signDone"),
  },
  idea: { event: "add_idea", data: (form) => ({ text: text(form) }), done: t("ideaDone"), clear: true },
  note: { event: "add_note", data: (form) => ({ text: text(form) }), done: t("noteDone"), clear: true },
  reflection: {
    event: "add_reflection",
    data: (form) => ({ text: text(form) }),
    done: t("reflectionDone"),
    clear: true,
  },
};

/** The id of the field an error names (`fields` keys are field names), else the form's
 * first field, as the server's error summary links it. */
function problemField(form, fields) {
  for (const name of Object.keys(fields || {})) {
    const item = form.elements.namedItem(name);
    const field = item instanceof RadioNodeList ? item[0] : item;
    if (field && field.id) return field.id;
  }
  const first = form.querySelector("input:not([type=hidden]), textarea, select");
  return first ? first.id : "";
}

/** Apply an acknowledgement to the form (looked up again: a redraw may have replaced it
 * while the juror waited). A new client id afterwards makes the next submit a new one. */
function settle(formId, action, ack) {
  const form = byId(formId);
  if (!ack.ok) {
    const message = (ack.error && ack.error.message) || t("didNotWork");
    if (form) {
      problems.set(formId, { fieldId: problemField(form, ack.error && ack.error.fields), message });
      showProblem(form);
    }
    say(message);
    return;
  }
  problems.delete(formId);
  if (form) {
    showProblem(form);
    if (action.clear) form.querySelectorAll("textarea").forEach((field) => { field.value = ""; });
    const clientId = form.elements.namedItem("client_id");
    if (clientId) clientId.value = `form-${newClientId()}`;
    if (action.after) action.after(form, ack);
  }
  say(action.done);
}

/** One listener for every juror form: the server's and those drawn here alike. */
async function submitLive(event) {
  const form = event.target;
  const action = ACTIONS[form.dataset.live];
  if (!action || !live || !live.ready()) return; // not connected: the browser posts it
  event.preventDefault();
  if (pending.has(form.id)) return;
  const data = action.data(form);
  if (data.error) {
    settle(form.id, action, { ok: false, error: data.error });
    return;
  }
  pending.add(form.id);
  try {
    const clientId = fieldValue(form, "client_id") || `form-${newClientId()}`;
    const ack = action.command
      ? await live.command(action.event, data)
      : await live.contribute(action.event, { ...data, client_id: clientId });
    settle(form.id, action, ack);
  } finally {
    pending.delete(form.id);
  }
}

// ------------------------------------------------------------------ state and events

function renderAll() {
  renderRound(state, timer);
  renderEnded();
  renderTable();
  renderChat(byId("room-chat"), state.room_chat || [], me);
  renderChat(byId("table-chat"), state.table_chat || [], me);
  renderHands();
  renderIdeas();
  drawPolls();
  drawRecommendations();
}

// A participatory budgeting vote's ballot is drawn on the server (templates/live/_pb_round.html):
// when the room moves into or out of one, or the session ends, load the page again.
function pbVoteMoved(p) {
  const section = byId("pb-vote");
  const shown = section ? section.dataset.roundId : null;
  const now = p.round && p.round.kind === "pb_vote" ? String(p.round.id) : null;
  if (shown === now && !(section && p.session && p.session.status === "ended")) return false;
  window.location.reload();
  return true;
}

function applyEvent(name, p) {
  if (!state) return;
  switch (name) {
    case "round_changed":
      if (pbVoteMoved(p)) return;
      state.round = p.round; state.rounds = p.rounds; state.session = p.session; state.server_now = p.server_now;
      renderRound(state, timer);
      renderEnded();
      renderHands();
      showHandError(null); // a refusal about the old state no longer holds
      if (state.session.status === "ended") say(t("sessionEndedSay"));
      else if (p.round) say(t("nowRound", { title: inLanguage(p.round, "title").text }));
      break;
    case "contribution_added":
      if (p.kind === "idea") { upsert(state.ideas, p); renderIdeas(); }
      else if (p.kind === "announcement") {
        state.session.announcement = p.text; upsert(state.room_chat, p);
        upsertChat(byId("room-chat"), p, me); renderRound(state, timer); say(`${t("liveAnnouncement")} ${p.text}`);
      } else if (p.table_id) { upsert(state.table_chat, p); upsertChat(byId("table-chat"), p, me); }
      else { upsert(state.room_chat, p); upsertChat(byId("room-chat"), p, me); }
      break;
    case "contribution_hidden":
      for (const list of [state.room_chat, state.table_chat, state.ideas]) {
        const index = list.findIndex((m) => m.id === p.id);
        if (index >= 0) list.splice(index, 1);
      }
      document.querySelectorAll(`[data-id="${p.id}"]`).forEach((n) => n.remove());
      renderIdeas();
      break;
    case "hand_raised": upsert(state.hands, p); renderHands(); break;
    case "hand_lowered": state.hands = state.hands.filter((h) => h.id !== p.id); renderHands(); break;
    case "floor_given":
      state.floor = state.floor.filter((t) => t.table_id !== p.table_id).concat([p]);
      state.hands = state.hands.filter((h) => h.id !== p.hand_id);
      renderHands();
      if (p.member_id === me) say(t("youHaveFloor"));
      break;
    case "floor_ended": state.floor = state.floor.filter((t) => t.id !== p.id); renderHands(); break;
    case "invited_to_speak": say(t("invitedToSpeak")); break;
    case "member_muted": state.viewer.muted = p.muted; renderHands(); break;
    case "scribe_changed":
      if (state.table && state.table.id === p.table_id) {
        state.table.scribe_member_id = p.scribe_member_id; state.viewer.scribe = p.scribe_member_id === me; renderTable();
      }
      break;
    case "poll_changed": {
      const mine = (state.polls.find((x) => x.id === p.id) || {}).my_ballot;
      upsert(state.polls, { ...p, my_ballot: p.my_ballot ?? mine });
      drawPolls();
      break;
    }
    case "recommendation_changed": {
      const mine = (state.recommendations.find((x) => x.id === p.id) || {}).my_vote;
      upsert(state.recommendations, { ...p, my_vote: mine ?? null });
      drawRecommendations();
      break;
    }
    case "idea_board": state.idea_board = p; renderIdeas(); break;
    case "agenda_changed": state.rounds = p.rounds; renderRound(state, timer); break;
    default: break;
  }
}

readProblems();
root.addEventListener("submit", submitLive);

live = connectLive({
  sessionId,
  statusNode: byId("live-status"),
  handlers: { state: (s) => { state = s; renderAll(); }, event: applyEvent },
});

/** Chat shows the message at once (pending) and takes it back if it is refused. */
function wireChat(formId, scope) {
  const form = byId(formId);
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    if (!live.ready()) return; // not connected: the browser posts it
    event.preventDefault();
    const field = form.querySelector("textarea");
    const message = field.value.trim();
    if (!message) { chatProblem(form, field, t("writeFirst")); field.focus(); return; }
    const clientIdField = form.elements.namedItem("client_id");
    const clientId = clientIdField.value;
    clientIdField.value = `form-${newClientId()}`;
    const list = byId(scope === "table" ? "table-chat" : "room-chat");
    upsertChat(list, { client_id: clientId, author: state.viewer.name, text: message, pending: true, member_id: me }, me);
    field.value = "";
    const ack = await live.contribute("send_message", { text: message, scope, client_id: clientId });
    if (!ack.ok) {
      const shown = list.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
      if (shown) shown.remove();
      field.value = message;
      chatProblem(form, field, ack.error.message);
    } else chatProblem(form, field, null);
  });
}

/** A chat form's refusal beside its box (as the server draws one), and announced. */
function chatProblem(form, field, message) {
  if (message) problems.set(form.id, { fieldId: field.id, message });
  else problems.delete(form.id);
  showProblem(form);
  if (message) say(message);
}
wireChat("room-chat-form", "room");
wireChat("table-chat-form", "table");

byId("hand-form").addEventListener("submit", async (event) => {
  if (!live.ready()) return; // not connected: the browser posts it
  event.preventDefault();
  const hand = myHand();
  const clientId = byId("hand-form-client-id");
  const ack = hand
    ? await live.command("lower_hand", { hand_id: hand.id })
    : await live.contribute("raise_hand", { scope: handScope(), client_id: clientId.value });
  if (ack.ok && !hand) clientId.value = `form-${newClientId()}`;
  showHandError(ack.ok ? null : ack.error.message);
  say(ack.ok ? (hand ? t("handLowered") : t("handRaised")) : ack.error.message);
});
