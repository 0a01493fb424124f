/**
 * The facilitator console (templates/live/console.html): run the agenda, announce, see
 * who is connected, give the floor and balance speaking time, moderate, seat people at
 * tables, run polls, regroup ideas, and take recommendations through amendments to a
 * final vote. The buttons are plain forms that also work without JavaScript.
 * Lists and cards are redrawn in place (`redraw`, `syncList` in live-common.js): a theme
 * name being typed, a chosen table and focus survive the room's events.
 */
import { t, tn } from "/static/js/i18n.js";
import {
  Timer, clear, connectLive, el, newClientId, pollResults, redraw, renderChat, renderRound,
  syncList, upsert, upsertChat,
} from "/static/js/live-common.js";

const root = document.getElementById("live-root");
const sessionId = Number(root.dataset.sessionId);
const csrfToken = root.dataset.csrfToken;
const timer = new Timer(document.getElementById("timer"), document.getElementById("timer-status"));
const byId = (id) => document.getElementById(id);
let state = null;
let live = null;

function say(text) {
  const node = byId("live-notice");
  node.textContent = "";
  window.setTimeout(() => { node.textContent = text; }, 50);
  byId("live-status").textContent = text;
}

async function run(event, data) {
  const ack = await live.command(event, data);
  if (!ack.ok) say(ack.error.message);
  return ack;
}

function button(label, onClick, style = "govuk-button--secondary") {
  return el("button", { type: "button", class: `govuk-button ${style} govuk-!-margin-bottom-1`, onclick: onClick }, label);
}

function names() {
  return new Map((state.members || []).map((m) => [m.id, m.name]));
}

function renderQueue() {
  const tables = new Map((state.tables || []).map((t) => [t.id, t.name]));
  byId("queue").hidden = !state.hands.length;
  byId("queue-empty").hidden = state.hands.length > 0;
  redraw(byId("queue"), (queue) => {
    for (const hand of state.hands) {
      queue.append(el("li", { id: `queue-hand-${hand.id}` }, [
        document.createTextNode(`${hand.name}${hand.table_id ? ` (${tables.get(hand.table_id) || t("consoleTable")})` : ""} `),
        button(t("consoleGiveFloor", { name: hand.name }), () => run("give_floor", { hand_id: hand.id })),
      ]));
    }
  });
  redraw(byId("floor"), (floor) => {
    if (!state.floor.length) floor.append(document.createTextNode(t("consoleNobodyHasFloor")));
    for (const turn of state.floor) {
      floor.append(el("span", { id: `floor-turn-${turn.id}` }, [
        document.createTextNode(`${t(turn.table_id ? "consoleHasFloorAtTable" : "consoleHasFloor", { name: turn.name })} `),
        button(t("consoleEndTurn", { name: turn.name }), () => run("end_floor", { turn_id: turn.id })),
      ]));
    }
  });
}

function renderBalance() {
  const balance = state.balance;
  if (!balance) return;
  byId("fair-share").textContent = t("consoleFairShare", {
    share: Math.round(balance.fair_share_seconds), total: Math.round(balance.total_seconds),
    names: balance.not_spoken.map((p) => p.name).join(", ") || t("consoleNobody"),
  });
  redraw(byId("balance"), (body) => {
    for (const person of balance.people) {
      const ratio = balance.fair_share_seconds ? `${Math.round(person.ratio * 100)}%` : "–";
      body.append(el("tr", { class: "govuk-table__row", id: `balance-${person.member_id}` }, [
        el("th", { class: "govuk-table__header", scope: "row" }, person.name),
        el("td", { class: "govuk-table__cell" }, person.has_spoken ? t("consoleSeconds", { num: Math.round(person.seconds) }) : t("consoleNotYet")),
        el("td", { class: "govuk-table__cell" }, ratio),
        el("td", { class: "govuk-table__cell" }, [button(t("consoleInvite", { name: person.name }), () => run("give_floor", { member_id: person.member_id }))]),
      ]));
    }
  });
}

function moderation(message) {
  const actions = el("span", { class: "consult-cluster" });
  if (!message.hidden) {
    actions.append(el("button", { type: "button", class: "consult-link-button govuk-body-s", onclick: () => run("hide_contribution", { contribution_id: message.id, reason: "facilitator" }) }, [
      document.createTextNode(t("consoleHide")),
      el("span", { class: "govuk-visually-hidden" }, ` “${message.text}”`),
    ]));
    actions.append(button(message.public ? t("consoleRemoveFromGallery") : t("consoleShowInGallery"), () => run("set_public", { contribution_id: message.id, public: !message.public })));
  }
  return actions;
}

function renderChats() {
  for (const [id, list] of [["room-chat", state.room_chat], ["table-chat", state.table_chat]]) {
    renderChat(byId(id), list, null);
    for (const message of list) {
      const node = byId(id).querySelector(`[data-id="${message.id}"]`);
      if (node && message.id) node.append(moderation(message));
    }
  }
}

function addChat(message) {
  const id = message.table_id ? "table-chat" : "room-chat";
  upsert(message.table_id ? state.table_chat : state.room_chat, message);
  upsertChat(byId(id), message, null);
  const node = byId(id).querySelector(`[data-id="${message.id}"]`);
  if (node) node.append(moderation(message));
}

function renderMembers() {
  redraw(byId("members"), (list) => drawMembers(list));
}

function drawMembers(list) {
  const tables = state.tables || [];
  for (const member of state.members || []) {
    const selectId = `move-${member.id}`;
    const select = el("select", { class: "govuk-select", id: selectId }, [
      el("option", { value: "" }, t("consoleNoTable")),
      ...tables.map((t) => el("option", { value: t.id, selected: t.id === member.table_id }, t.name)),
    ]);
    select.onchange = (event) => event.target.value && run("move_member", { member_id: member.id, table_id: Number(event.target.value) });
    const scribe = tables.find((t) => t.id === member.table_id && t.scribe_member_id === member.id);
    list.append(el("li", { class: "govuk-!-margin-bottom-3", id: `member-${member.id}` }, [
      el("strong", {}, `${member.name}${member.muted ? ` ${t("consoleMuted")}` : ""}${scribe ? ` ${t("consoleScribe")}` : ""}`),
      tables.length ? el("div", { class: "govuk-form-group govuk-!-margin-bottom-1" }, [el("label", { class: "govuk-label govuk-!-font-size-16", for: selectId }, t("consoleTableFor", { name: member.name })), select]) : null,
      button(t(member.muted ? "consoleUnmute" : "consoleMute", { name: member.name }), () => run("mute", { member_id: member.id, muted: !member.muted })),
      member.table_id ? button(t("consoleMakeScribe", { name: member.name }), () => run("set_scribe", { table_id: member.table_id, member_id: member.id })) : null,
    ]));
  }
}

// Who is connected: the list from the last join, kept current by presence deltas.
// Counted per connection (a person with two tabs is listed once while either is open).
const connections = new Map();

function setConnected(people) {
  connections.clear();
  for (const who of people || []) connections.set(`${who.kind}:${who.id}`, { who, count: 1 });
}

function presence(who, online) {
  const key = `${who.kind}:${who.id}`;
  const entry = connections.get(key) || { who, count: 0 };
  entry.count += online ? 1 : -1;
  if (entry.count > 0) connections.set(key, entry);
  else connections.delete(key);
}

function renderConnected() {
  const list = clear(byId("connected"));
  const people = [...connections.values()].map((e) => e.who).sort((a, b) => a.name.localeCompare(b.name));
  if (!people.length) list.append(el("li", {}, t("consoleNobodyConnected")));
  for (const who of people) list.append(el("li", {}, who.name));
}

const POLL_KINDS = { agree_disagree: t("consolePollAgree"), single_choice: t("consolePollSingle"), ranking: t("consolePollRanking"), dots: t("consolePollDots"), budget: t("consolePollBudget") };
const POLL_STATUS = { draft: t("consolePollDraft"), open: t("pollOpen"), closed: t("pollClosed") };

function ballotCount(poll) {
  const count = poll.ballots ?? (poll.results ? poll.results.ballots : 0) ?? 0;
  return tn("ballots", count);
}

/** The poll's Welsh version as jurors reading in Welsh see it, what still lacks one
 * (they see the English there, with a note), and a form to write or change it. */
function welshVersion(poll) {
  const statements = poll.kind === "agree_disagree";
  const lines = statements ? poll.statements.map((s) => [s.text, s.text_cy]) : poll.options.map((o) => [o.label, o.label_cy]);
  const missing = [];
  if (!(poll.question_cy || "").trim()) missing.push(t("consoleWelshQuestion"));
  const untranslated = lines.filter(([, welsh]) => !(welsh || "").trim()).length;
  if (untranslated) missing.push(tn("consoleWelshLines", untranslated));
  const id = `console-poll-${poll.id}-welsh`;
  const field = (name) => byId(`${id}-${name}`).value;
  const save = () => {
    const welsh = field("lines").split("\n").map((l) => l.trim()).filter(Boolean);
    run("translate_poll", {
      poll_id: poll.id, question_cy: field("question"),
      statements_cy: statements ? welsh : [], options_cy: statements ? [] : welsh,
    }).then((ack) => { if (ack.ok) say(t("consoleWelshSaved")); });
  };
  return el("details", { class: "govuk-details govuk-!-margin-bottom-2", id }, [
    el("summary", { class: "govuk-details__summary" }, [el("span", { class: "govuk-details__summary-text" }, t("consoleWelshVersion"))]),
    el("div", { class: "govuk-details__text" }, [
      el("p", { class: "govuk-body-s", id: `${id}-missing` }, missing.length ? t("consoleWelshMissing", { parts: missing.join(", ") }) : t("consoleWelshComplete")),
      el("div", { class: "govuk-form-group" }, [
        el("label", { class: "govuk-label", for: `${id}-question` }, t("consoleWelshQuestionLabel")),
        el("input", { class: "govuk-input", id: `${id}-question`, lang: "cy", maxlength: "1000", value: poll.question_cy || "" }),
      ]),
      el("div", { class: "govuk-form-group" }, [
        el("label", { class: "govuk-label", for: `${id}-lines` }, t("consoleWelshLinesLabel")),
        el("div", { class: "govuk-hint", id: `${id}-lines-hint` }, lines.map(([english]) => english).join(" · ")),
        el("textarea", { class: "govuk-textarea", id: `${id}-lines`, lang: "cy", rows: String(Math.max(2, lines.length)), "aria-describedby": `${id}-lines-hint` }, lines.map(([, welsh]) => welsh || "").join("\n")),
      ]),
      button(t("consoleWelshSave"), save),
    ]),
  ]);
}

function drawPoll(poll) {
  const box = el("section", { class: "consult-card", id: `console-poll-${poll.id}` }, [
    el("h3", { class: "consult-card__title" }, poll.question),
    el("p", { class: "govuk-body-s" }, `${POLL_KINDS[poll.kind] || poll.kind} · ${POLL_STATUS[poll.status] || poll.status}${poll.revealed ? ` · ${t("consoleResultsShown")}` : ""}`),
  ]);
  if (poll.status === "open") {
    box.append(el("p", { class: "govuk-body", id: `poll-${poll.id}-count` }, [el("strong", {}, ballotCount(poll)), document.createTextNode(` ${t("consoleSoFar")}`)]));
  }
  const actions = el("div", { class: "consult-cluster" });
  if (poll.status === "draft") actions.append(button(t("consoleOpenPoll"), () => run("poll_action", { poll_id: poll.id, action: "open" }), ""));
  if (poll.status === "open") actions.append(button(t("consoleClosePoll"), () => run("poll_action", { poll_id: poll.id, action: "close" })));
  if (poll.status !== "draft" && !poll.revealed) actions.append(button(t("consoleRevealResults"), () => run("poll_action", { poll_id: poll.id, action: "reveal" }), ""));
  box.append(actions);
  if (poll.kind === "agree_disagree") box.append(el("ul", { class: "govuk-list govuk-list--bullet" }, poll.statements.map((s) => el("li", {}, s.text))));
  box.append(welshVersion(poll));
  if (poll.results && poll.status !== "open") box.append(pollResults(poll));
  return box;
}

const REC_STATUS = { draft: t("recDraft"), voting: t("recVoting"), passed: t("recPassed"), failed: t("recFailed"), withdrawn: t("recWithdrawn") };
const AMENDMENT_STATUS = { proposed: t("consoleProposed"), accepted: t("consoleAccepted"), rejected: t("consoleRejected") };

function drawRecommendation(rec) {
  const box = el("section", { class: "consult-card" }, [
    el("h3", { class: "consult-card__title" }, rec.title),
    el("p", { class: "govuk-body-s" }, `${REC_STATUS[rec.status] || rec.status} · ${t("consoleNeeds", { share: Math.round(rec.threshold * 100), quorum: rec.quorum })}`),
    el("p", { class: "govuk-body" }, rec.text),
  ]);
  for (const amendment of rec.amendments) {
    const row = el("div", { class: "govuk-inset-text" }, [
      el("p", { class: "govuk-body" }, t("consoleAmendmentBy", { author: amendment.author || t("aJuror"), status: AMENDMENT_STATUS[amendment.status] || amendment.status, text: amendment.text })),
      amendment.rationale ? el("p", { class: "govuk-body-s" }, t("consoleWhy", { text: amendment.rationale })) : null,
    ]);
    if (amendment.status === "proposed" && rec.status === "draft") {
      row.append(button(t("consoleRoomAccepts"), () => run("decide_amendment", { amendment_id: amendment.id, accept: true }), ""));
      row.append(button(t("consoleRoomRejects"), () => run("decide_amendment", { amendment_id: amendment.id, accept: false })));
    }
    box.append(row);
  }
  const actions = el("div", { class: "consult-cluster" });
  if (rec.status === "draft") actions.append(button(t("consoleOpenFinalVote"), () => run("recommendation_action", { recommendation_id: rec.id, action: "open_vote" }), ""));
  if (rec.status === "voting") {
    const tally = rec.tally ? t("consoleVotingTally", rec.tally) : t("consoleVoting");
    actions.append(el("p", { class: "govuk-body" }, tally));
    actions.append(button(t("consoleCloseVote"), () => run("recommendation_action", { recommendation_id: rec.id, action: "close_vote" }), ""));
  }
  if (rec.status === "draft" || rec.status === "voting") actions.append(button(t("consoleWithdraw"), () => run("recommendation_action", { recommendation_id: rec.id, action: "withdraw" }), "govuk-button--warning"));
  if (rec.status === "passed" || rec.status === "failed") {
    actions.append(el("p", { class: "govuk-body" }, [el("strong", { class: "govuk-tag" }, rec.status === "passed" ? t("recPassed") : t("recFailed")), document.createTextNode(` ${t("supportCounts", { support: rec.votes_for, oppose: rec.votes_against, abstain: rec.votes_abstain })}`)]));
  }
  box.append(actions);
  for (const report of rec.minority_reports) {
    box.append(el("div", { class: "govuk-inset-text" }, tn("consoleMinorityReport", report.signatures, { author: report.author || t("aJuror"), text: report.text })));
  }
  return box;
}

function renderBoard() {
  const board = state.idea_board || { themes: [] };
  const ideas = new Map((state.ideas || []).map((i) => [i.id, i]));
  byId("idea-engine").textContent = engineText(board.engine);
  const themes = board.themes || [];
  // the fields are read when a button is pressed (by id: a redraw keeps the same nodes)
  const field = (id) => byId(id).value;
  redraw(byId("idea-board"), (container) => {
    for (const theme of themes) {
      const renameId = `rename-${theme.id}`;
      const mergeId = `merge-${theme.id}`;
      const rename = el("input", { class: "govuk-input govuk-input--width-20", id: renameId, value: theme.label });
      const merge = el("select", { class: "govuk-select", id: mergeId }, themes.filter((t) => t.id !== theme.id).map((t) => el("option", { value: t.id }, t.label)));
      container.append(el("section", { class: "consult-card", id: `theme-${theme.id}` }, [
        el("h3", { class: "consult-card__title" }, `${theme.label} (${theme.idea_ids.length})`),
        el("ul", { class: "govuk-list govuk-list--bullet" }, theme.idea_ids.map((id) => ideas.get(id)).filter(Boolean).map((i) => el("li", { id: `board-idea-${i.id}` }, [document.createTextNode(`${i.text} `), moderation(i)]))),
        el("div", { class: "govuk-form-group" }, [el("label", { class: "govuk-label", for: renameId }, t("consoleThemeName")), rename]),
        button(t("consoleRename"), () => run("rename_theme", { theme_id: theme.id, label: field(renameId) })),
        themes.length > 1 ? el("div", { class: "govuk-form-group" }, [el("label", { class: "govuk-label", for: mergeId }, t("consoleMergeInto")), merge]) : null,
        themes.length > 1 ? button(t("consoleMerge"), () => run("merge_themes", { theme_id: theme.id, into_id: Number(field(mergeId)) })) : null,
      ]));
    }
    const unthemed = (state.ideas || []).filter((i) => !themes.some((t) => t.idea_ids.includes(i.id)));
    if (unthemed.length) {
      container.append(el("section", { class: "consult-card", id: "theme-none" }, [
        el("h3", { class: "consult-card__title" }, t("consoleNotGrouped")),
        el("ul", { class: "govuk-list govuk-list--bullet" }, unthemed.map((i) => el("li", { id: `board-idea-${i.id}` }, `${i.hidden ? `${t("consoleHidden")} ` : ""}${i.text}`))),
      ]));
    }
  });
}

/** How the board was grouped, in words (the engine's name is for the logs). */
function engineText(engine) {
  if (!engine) return t("consoleEngineNone");
  if (String(engine).startsWith("unavailable")) return t("consoleEngineDown");
  return t("consoleEngine");
}

/** The controls that apply now (the server draws the same: templates/live/_console.html). */
function drawControls(box) {
  const status = state.session.status;
  const round = state.round;
  const ids = (state.rounds || []).map((r) => r.id);
  const index = round ? ids.indexOf(round.id) : -1;
  const csrf = () => el("input", { type: "hidden", name: "csrf_token", value: csrfToken });
  const submit = (action, label, id, style = "") => el("button", { type: "submit", name: "action", value: action, class: `govuk-button ${style}`.trim(), id }, label);
  box.dataset.status = status;
  if (status === "planned") {
    box.append(el("form", { method: "post", action: root.dataset.controlUrl, id: "control-form", class: "consult-cluster" }, [
      csrf(), submit("start", t("controlStart"), "control-start"),
    ]));
  } else if (status === "live" || status === "paused") {
    const form = el("form", { method: "post", action: root.dataset.controlUrl, id: "control-form", class: "consult-cluster" }, [
      csrf(), el("input", { type: "hidden", name: "minutes", value: "5" }),
    ]);
    if (round && round.status === "paused") form.append(submit("resume", t("controlResume"), "control-toggle"));
    else if (round && round.status === "running") form.append(submit("pause", t("controlPause"), "control-toggle", "govuk-button--secondary"));
    if (round && (round.status === "running" || round.status === "paused")) form.append(submit("extend", t("controlExtend"), "control-extend", "govuk-button--secondary"));
    if (index > 0) form.append(submit("back", t("controlBack"), "control-back", "govuk-button--secondary"));
    if (index + 1 < ids.length) form.append(submit("advance", t("controlAdvance"), "control-advance"));
    box.append(form);
    if (ids.length > 1) {
      box.append(el("form", { method: "post", action: root.dataset.controlUrl, id: "jump-form", class: "consult-cluster consult-cluster--end" }, [
        csrf(),
        el("input", { type: "hidden", name: "action", value: "go_to" }),
        el("div", { class: "govuk-form-group govuk-!-margin-bottom-0" }, [
          el("label", { class: "govuk-label", for: "jump-round" }, t("controlJump")),
          el("select", { class: "govuk-select", id: "jump-round", name: "round_id" }, state.rounds.map((r, i) =>
            el("option", { value: r.id, selected: !!round && r.id === round.id }, `${i + 1}. ${r.title}`))),
        ]),
        el("button", { type: "submit", class: "govuk-button govuk-button--secondary", id: "jump-button" }, t("controlGoTo")),
      ]));
    }
    box.append(el("p", { class: "govuk-body govuk-!-margin-top-4", id: "end-control" }, [
      el("a", { class: "govuk-link consult-warning-link", href: root.dataset.endUrl, id: "end-link" }, t("controlEnd")),
    ]));
  } else {
    box.append(el("p", { class: "govuk-body", id: "ended-note" }, t("controlEnded")));
  }
}

const PANEL_FIRST = { open_discussion: "queue", table_discussion: "room", ideas: "ideas", poll: "polls", drafting: "recommendations", final_vote: "recommendations" };
const PANELS = ["queue", "room", "polls", "ideas", "recommendations"];

/** The current round's kind of panel first (as views.panel_order draws it). */
function orderPanels() {
  const container = byId("console-panels");
  const first = state.round && state.session.status !== "ended" ? PANEL_FIRST[state.round.kind] : null;
  const order = (first ? [first] : []).concat(PANELS.filter((p) => p !== first));
  const current = [...container.children].map((n) => n.dataset.panel);
  if (current.join() === order.join()) return;
  const active = document.activeElement;
  for (const name of order) container.append(byId(`panel-${name}`));
  if (active && active !== document.activeElement && active.isConnected) active.focus({ preventScroll: true });
}

function renderState() {
  renderRound(state, timer);
  byId("session-status").textContent = t(`sessionStatus.${state.session.status}`);
  redraw(byId("controls"), drawControls);
  orderPanels();
  const link = byId("gallery-link");
  redraw(link, (span) => {
    if (state.session.gallery_open) span.append(el("a", { class: "govuk-link", href: root.dataset.galleryUrl }, t("consolePublicView")));
    else span.append(document.createTextNode(t("consoleGalleryClosed")));
  });
}

function renderReflections() {
  const list = clear(byId("reflections"));
  for (const r of state.reflections || []) list.append(el("li", { class: "govuk-body-s" }, `${r.author}: ${r.text}`));
}

function renderTables() {
  const box = clear(byId("tables"));
  box.append(el("p", { class: "govuk-body-s" }, state.tables.length ? tn("consoleTables", state.tables.length, { names: state.tables.map((table) => table.name).join(", ") }) : t("consoleNobodySeated")));
}

function renderAll() {
  renderState();
  renderQueue();
  renderBalance();
  renderChats();
  renderTables();
  renderMembers();
  setConnected(state.connected);
  renderConnected();
  syncList(byId("polls"), state.polls, "id", drawPoll);
  syncList(byId("recommendations"), state.recommendations, "id", drawRecommendation);
  renderBoard();
  renderReflections();
  const galleryButton = byId("gallery-button");
  galleryButton.value = state.session.gallery_open ? "gallery_close" : "gallery_open";
  galleryButton.textContent = state.session.gallery_open ? t("consoleCloseGallery") : t("consoleOpenGallery");
}

// The participatory budgeting vote's panel is drawn on the server (templates/live/_pb_round.html):
// when the room moves into or out of one, load the page again.
function pbVoteMoved(p) {
  const section = byId("pb-vote");
  const shown = section ? section.dataset.roundId : null;
  const now = p.round && p.round.kind === "pb_vote" ? String(p.round.id) : null;
  if (shown === now) return false;
  window.location.reload();
  return true;
}

function applyEvent(name, p) {
  if (!state) return;
  switch (name) {
    case "round_changed":
      if (pbVoteMoved(p)) return;
      Object.assign(state, { round: p.round, rounds: p.rounds, session: p.session, server_now: p.server_now });
      renderState();
      break;
    case "contribution_added":
      if (p.kind === "idea") { upsert(state.ideas, p); renderBoard(); }
      else if (p.kind === "reflection") { upsert(state.reflections, p); renderReflections(); }
      else { if (p.kind === "announcement") state.session.announcement = p.text; addChat(p); renderRound(state, timer); }
      break;
    case "contribution_hidden":
    case "contribution_public":
      for (const list of [state.room_chat, state.table_chat, state.ideas]) {
        const item = list.find((m) => m.id === p.id);
        if (item && name === "contribution_hidden") item.hidden = true;
        if (item && name === "contribution_public") item.public = p.public;
      }
      renderChats(); renderBoard();
      break;
    case "hand_raised": upsert(state.hands, p); renderQueue(); break;
    case "hand_lowered": state.hands = state.hands.filter((h) => h.id !== p.id); renderQueue(); break;
    case "floor_given":
      state.floor = state.floor.filter((t) => t.table_id !== p.table_id).concat([p]);
      state.hands = state.hands.filter((h) => h.id !== p.hand_id);
      renderQueue();
      break;
    case "floor_ended": state.floor = state.floor.filter((t) => t.id !== p.id); renderQueue(); break;
    case "balance": state.balance = p; renderBalance(); break;
    case "presence": presence(p.who, p.online); renderConnected(); break;
    case "member_muted": {
      const member = state.members.find((m) => m.id === p.member_id);
      if (member) member.muted = p.muted;
      renderMembers(); renderBalance();
      break;
    }
    case "table_changed":
    case "scribe_changed":
    case "tables_changed":
    case "gallery_changed":
      live.rejoin();
      break;
    case "poll_changed": upsert(state.polls, p); syncList(byId("polls"), state.polls, "id", drawPoll); break;
    case "poll_results": {
      const poll = state.polls.find((x) => x.id === p.poll_id);
      if (poll) { poll.results = p.results; syncList(byId("polls"), state.polls, "id", drawPoll); }
      break;
    }
    case "poll_tally": {
      const poll = state.polls.find((x) => x.id === p.poll_id);
      if (poll) {
        poll.ballots = p.ballots;
        poll.results = { ...(poll.results || {}), ballots: p.ballots };
        syncList(byId("polls"), state.polls, "id", drawPoll);
      }
      break;
    }
    case "recommendation_changed": upsert(state.recommendations, p); syncList(byId("recommendations"), state.recommendations, "id", drawRecommendation); break;
    case "vote_tally": {
      const rec = state.recommendations.find((x) => x.id === p.recommendation_id);
      if (rec) { rec.tally = p; syncList(byId("recommendations"), state.recommendations, "id", drawRecommendation); }
      break;
    }
    case "idea_board": state.idea_board = p; renderBoard(); break;
    case "pb_count": {
      const count = byId("pb-count");
      if (count && p.round_id === Number(byId("pb-vote").dataset.roundId)) {
        count.textContent = String(p.count);
        byId("pb-count-unit").textContent = p.count === 1 ? "juror has" : "jurors have";
      }
      break;
    }
    case "agenda_changed": state.rounds = p.rounds; renderState(); break;
    default: break;
  }
}

live = connectLive({
  sessionId,
  statusNode: byId("live-status"),
  handlers: { state: (s) => { state = s; renderAll(); }, event: applyEvent },
});

// The control buttons are real forms (they work without JavaScript); with it, they go
// over the socket and the page stays put. (Ending the session is a link to a page that
// asks first.) The forms are redrawn as the state changes: one listener on their box.
byId("controls").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "jump-form") {
    const ack = await run("control", { action: "go_to", round_id: Number(byId("jump-round").value) });
    if (ack.ok) say(t("consoleMoved"));
    return;
  }
  const label = event.submitter ? event.submitter.textContent : "";
  const action = event.submitter ? event.submitter.value : "";
  const ack = await run("control", { action, minutes: 5 });
  if (ack.ok) say(t("consoleDone", { label }));
});
byId("gallery-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ack = await run("set_gallery", { open: byId("gallery-button").value === "gallery_open" });
  if (ack.ok) live.rejoin();
});
byId("announce-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = byId("announce-text");
  const ack = await live.contribute("announce", { text: field.value });
  if (ack.ok) field.value = ""; else say(ack.error.message);
});
byId("room-chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = byId("room-message");
  const ack = await live.contribute("send_message", { text: field.value, scope: "room" });
  if (ack.ok) field.value = ""; else say(ack.error.message);
});
byId("allocate-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const ack = await run("allocate_tables", { table_size: Number(byId("table-size").value) });
  if (ack.ok) say(t("consoleTablesAllocated"));
});
byId("poll-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const linesOf = (field) => field.value.split("\n").map((l) => l.trim()).filter(Boolean);
  const lines = linesOf(form.elements.lines);
  const welsh = linesOf(form.elements.lines_cy);  // one Welsh line per English line, or none
  const kind = form.elements.kind.value;
  const statements = kind === "agree_disagree";
  const ack = await run("create_poll", {
    kind, question: form.elements.question.value, question_cy: form.elements.question_cy.value,
    statements: statements ? lines : [], options: statements ? [] : lines,
    statements_cy: statements ? welsh : [], options_cy: statements ? [] : welsh,
    dots_per_member: 5, budget_total: 100,
  });
  if (ack.ok) { form.reset(); say(t("consolePollCreated")); }
});
byId("recommendation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await live.contribute("create_recommendation", {
    client_id: newClientId(), title: form.elements.title.value, text: form.elements.text.value,
    threshold: Number(form.elements.threshold.value) / 100, quorum: form.elements.quorum.value ? Number(form.elements.quorum.value) : null,
  });
  if (ack.ok) { form.reset(); say(t("consoleRecommendationAdded")); } else say(ack.error.message);
});
byId("recluster-button").addEventListener("click", () => run("recluster"));
