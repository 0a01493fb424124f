/**
 * The juror's live view (templates/live/juror.html): round and timer, table and room chat,
 * raise/lower hand, ideas, polls, recommendations (amend, vote, minority reports).
 * State comes from the server on every (re)connect; events keep it current.
 */
import {
  Timer, clear, connectLive, el, newClientId, pollResults, renderChat, renderRound,
  syncList, upsert, upsertChat,
} from "/static/js/live-common.js";

const root = document.getElementById("live-root");
const sessionId = Number(root.dataset.sessionId);
const me = Number(root.dataset.memberId);
const timer = new Timer(document.getElementById("timer"), document.getElementById("timer-status"));
const byId = (id) => document.getElementById(id);
let state = null;
let live = null;

function say(text) {
  const node = byId("live-notice");
  node.textContent = "";
  window.setTimeout(() => { node.textContent = text; }, 50);
}

function myHand() {
  return (state.hands || []).find((h) => h.member_id === me);
}

function handScope() {
  return state.round && state.round.kind === "table_discussion" && state.table ? "table" : "room";
}

function renderHands() {
  const button = byId("hand-button");
  const hand = myHand();
  button.textContent = hand ? "Lower my hand" : "Raise my hand";
  button.setAttribute("aria-pressed", hand ? "true" : "false");
  button.disabled = !!state.viewer.muted;
  const queue = byId("queue");
  clear(queue);
  const hands = state.hands || [];
  if (!hands.length) queue.append(el("li", {}, "Nobody is waiting to speak."));
  hands.forEach((h) => queue.append(el("li", {}, `${h.name}${h.table_id ? " (table)" : ""}`)));
  const floor = byId("floor");
  const speakers = state.floor || [];
  floor.textContent = speakers.length
    ? speakers.map((t) => `${t.member_id === me ? "You have" : `${t.name} has`} the floor${t.table_id ? " at your table" : ""}.`).join(" ")
    : "Nobody has the floor.";
  byId("muted-note").hidden = !state.viewer.muted;
}

function renderTable() {
  const heading = byId("table-heading");
  const section = byId("table-section");
  section.hidden = !state.table;
  if (state.table) {
    heading.textContent = `Your table: ${state.table.name}`;
    byId("scribe-form").hidden = !state.viewer.scribe;
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
      el("h4", { class: "govuk-heading-s govuk-!-margin-bottom-1" }, `${theme.label} (${items.length})`),
      el("ul", { class: "govuk-list govuk-list--bullet" }, items.map((i) => el("li", {}, i.text))),
    ]));
  }
  const rest = ideas.filter((i) => !themed.has(i.id));
  if (rest.length) {
    list.append(el("li", {}, [
      el("h4", { class: "govuk-heading-s govuk-!-margin-bottom-1" }, board.themes && board.themes.length ? "Not grouped yet" : "Ideas so far"),
      el("ul", { class: "govuk-list govuk-list--bullet" }, rest.map((i) => el("li", {}, i.text))),
    ]));
  }
  if (!ideas.length) list.append(el("li", { class: "govuk-body" }, "No ideas yet."));
}

function pollForm(poll) {
  const prefix = `poll-${poll.id}`;
  const mine = poll.my_ballot;
  const fields = [];
  const radios = (name, legend, choices, checked) =>
    el("div", { class: "govuk-form-group" }, [
      el("fieldset", { class: "govuk-fieldset" }, [
        el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, legend),
        el("div", { class: "govuk-radios govuk-radios--small govuk-radios--inline" }, choices.map(([value, label], i) =>
          el("div", { class: "govuk-radios__item" }, [
            el("input", { class: "govuk-radios__input", type: "radio", id: `${name}-${i}`, name, value, checked: String(checked) === String(value) }),
            el("label", { class: "govuk-label govuk-radios__label", for: `${name}-${i}` }, label),
          ]))),
      ]),
    ]);
  if (poll.kind === "agree_disagree") {
    for (const s of poll.statements) {
      fields.push(radios(`${prefix}-s${s.id}`, s.text, [["1", "Agree"], ["-1", "Disagree"], ["0", "Pass"]], mine ? mine[String(s.id)] : null));
    }
  } else if (poll.kind === "single_choice") {
    fields.push(radios(`${prefix}-choice`, poll.question, poll.options.map((o) => [o.value, o.label]), mine));
  } else {
    const hint = poll.kind === "ranking" ? "1 is your first choice; leave blank to skip."
      : poll.kind === "dots" ? `Share up to ${poll.dots_per_member} dots.` : `Share up to ${poll.budget_total}.`;
    fields.push(el("p", { class: "govuk-hint" }, hint));
    for (const o of poll.options) {
      const id = `${prefix}-${o.value}`;
      let value = "";
      if (mine && poll.kind === "ranking") value = mine.indexOf(o.value) >= 0 ? mine.indexOf(o.value) + 1 : "";
      else if (mine) value = mine[o.value] ?? "";
      fields.push(el("div", { class: "govuk-form-group" }, [
        el("label", { class: "govuk-label", for: id }, o.label),
        el("input", { class: "govuk-input govuk-input--width-3", id, name: o.value, type: "number", min: "0", inputmode: "numeric", value }),
      ]));
    }
  }
  const form = el("form", { class: "live-poll-form", novalidate: true }, [
    ...fields,
    el("button", { class: "govuk-button", type: "submit" }, mine ? "Change my vote" : "Send my vote"),
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let value;
    if (poll.kind === "agree_disagree") {
      value = {};
      for (const s of poll.statements) {
        const picked = form.querySelector(`input[name="${prefix}-s${s.id}"]:checked`);
        if (picked) value[String(s.id)] = Number(picked.value);
      }
    } else if (poll.kind === "single_choice") {
      const picked = form.querySelector(`input[name="${prefix}-choice"]:checked`);
      value = picked ? picked.value : null;
    } else if (poll.kind === "ranking") {
      value = poll.options
        .map((o) => [o.value, Number(form.querySelector(`[name="${o.value}"]`).value)])
        .filter(([, rank]) => rank > 0).sort((a, b) => a[1] - b[1]).map(([v]) => v);
    } else {
      value = {};
      for (const o of poll.options) {
        const amount = Number(form.querySelector(`[name="${o.value}"]`).value);
        if (amount > 0) value[o.value] = amount;
      }
    }
    const ack = await live.contribute("cast_ballot", { poll_id: poll.id, value, client_id: newClientId() });
    if (ack.ok) {
      poll.my_ballot = ack.value;
      say("Your vote is recorded. You can change it until the poll closes.");
    } else say(ack.error.message);
  });
  return form;
}

function drawPoll(poll) {
  const statusText = poll.status === "open" ? "Open" : poll.revealed ? "Results" : "Closed";
  const box = el("section", { class: "consult-card", "aria-labelledby": `poll-${poll.id}-title` }, [
    el("h3", { class: "consult-card__title", id: `poll-${poll.id}-title` }, poll.question),
    el("strong", { class: "govuk-tag" }, statusText),
  ]);
  if (poll.status === "open") box.append(pollForm(poll));
  else if (!poll.revealed) box.append(el("p", { class: "govuk-body" }, "Voting has closed. The facilitator will share the results."));
  if (poll.revealed) box.append(pollResults(poll));
  return box;
}

function textareaGroup(id, label, name, hint) {
  return el("div", { class: "govuk-form-group" }, [
    el("label", { class: "govuk-label", for: id }, label),
    hint ? el("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : null,
    el("textarea", { class: "govuk-textarea", id, name, rows: "3", maxlength: "5000" }),
  ]);
}

function drawRecommendation(rec) {
  const id = `rec-${rec.id}`;
  const box = el("section", { class: "consult-card", "aria-labelledby": `${id}-title` }, [
    el("h3", { class: "consult-card__title", id: `${id}-title` }, rec.title),
    el("strong", { class: "govuk-tag" }, { draft: "Draft", voting: "Vote open", passed: "Passed", failed: "Not passed", withdrawn: "Withdrawn" }[rec.status]),
    el("p", { class: "govuk-body govuk-!-margin-top-3" }, rec.text),
  ]);
  if (rec.amendments.length) {
    box.append(el("h4", { class: "govuk-heading-s" }, "Amendments"));
    box.append(el("ul", { class: "govuk-list govuk-list--bullet" }, rec.amendments.map((a) =>
      el("li", {}, `${a.text} — ${a.author || "a juror"} (${a.status})`))));
  }
  if (rec.status === "draft") {
    const form = el("form", { novalidate: true }, [
      textareaGroup(`${id}-amend`, "Propose new wording", "text", null),
      textareaGroup(`${id}-why`, "Why (optional)", "rationale", null),
      el("button", { class: "govuk-button govuk-button--secondary", type: "submit" }, "Propose amendment"),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await live.contribute("propose_amendment", { recommendation_id: rec.id, text: form.elements.text.value, rationale: form.elements.rationale.value });
      if (ack.ok) { form.reset(); say("Amendment proposed."); } else say(ack.error.message);
    });
    box.append(form);
  }
  if (rec.status === "voting") {
    const name = `${id}-vote`;
    const form = el("form", { novalidate: true }, [
      el("div", { class: "govuk-form-group" }, [
        el("fieldset", { class: "govuk-fieldset" }, [
          el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, `Your vote (${Math.round(rec.threshold * 100)}% support needed)`),
          el("div", { class: "govuk-radios govuk-radios--small" }, [["support", "Support"], ["oppose", "Oppose"], ["abstain", "Abstain"]].map(([value, label]) =>
            el("div", { class: "govuk-radios__item" }, [
              el("input", { class: "govuk-radios__input", type: "radio", id: `${name}-${value}`, name: "choice", value, checked: rec.my_vote === value }),
              el("label", { class: "govuk-label govuk-radios__label", for: `${name}-${value}` }, label),
            ]))),
        ]),
      ]),
      el("button", { class: "govuk-button", type: "submit" }, rec.my_vote ? "Change my vote" : "Vote"),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[name=choice]:checked");
      if (!picked) return say("Choose support, oppose or abstain.");
      const ack = await live.contribute("cast_vote", { recommendation_id: rec.id, choice: picked.value });
      if (ack.ok) { rec.my_vote = ack.choice; say("Your vote is recorded."); } else say(ack.error.message);
    });
    box.append(form);
  }
  if (rec.status === "passed" || rec.status === "failed") {
    box.append(el("p", { class: "govuk-body" }, `Support ${rec.votes_for}, oppose ${rec.votes_against}, abstain ${rec.votes_abstain}.`));
  }
  if (rec.minority_reports.length) {
    box.append(el("h4", { class: "govuk-heading-s" }, "Minority reports"));
    for (const report of rec.minority_reports) {
      const signed = report.signer_ids.includes(me);
      const item = el("div", { class: "govuk-inset-text" }, [
        el("p", { class: "govuk-body" }, report.text),
        el("p", { class: "govuk-body-s" }, `By ${report.author || "a juror"}; ${report.signatures} signature${report.signatures === 1 ? "" : "s"}.`),
      ]);
      if (!signed) {
        const sign = el("button", { class: "govuk-button govuk-button--secondary", type: "button" }, "Sign this report");
        sign.addEventListener("click", async () => {
          const ack = await live.command("sign_minority_report", { report_id: report.id });
          say(ack.ok ? "You have signed the report." : ack.error.message);
        });
        item.append(sign);
      }
      box.append(item);
    }
  }
  if (rec.status !== "withdrawn") {
    const form = el("form", { novalidate: true }, [
      textareaGroup(`${id}-minority`, "Write a minority report", "text", "If you disagree, explain why. Others can sign it."),
      el("button", { class: "govuk-button govuk-button--secondary", type: "submit" }, "Attach minority report"),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await live.contribute("write_minority_report", { recommendation_id: rec.id, text: form.elements.text.value });
      if (ack.ok) { form.reset(); say("Your minority report is attached."); } else say(ack.error.message);
    });
    box.append(el("details", { class: "govuk-details" }, [
      el("summary", { class: "govuk-details__summary" }, [el("span", { class: "govuk-details__summary-text" }, "Disagree? Write a minority report")]),
      el("div", { class: "govuk-details__text" }, [form]),
    ]));
  }
  return box;
}

function renderAll() {
  renderRound(state, timer);
  renderTable();
  renderChat(byId("room-chat"), state.room_chat || [], me);
  renderChat(byId("table-chat"), state.table_chat || [], me);
  renderHands();
  renderIdeas();
  syncList(byId("polls"), state.polls || [], "id", drawPoll);
  syncList(byId("recommendations"), state.recommendations || [], "id", drawRecommendation);
}

function applyEvent(name, p) {
  if (!state) return;
  switch (name) {
    case "round_changed":
      state.round = p.round; state.rounds = p.rounds; state.session = p.session; state.server_now = p.server_now;
      renderRound(state, timer);
      renderHands();
      if (p.round) say(`Now: ${p.round.title}.`);
      break;
    case "contribution_added":
      if (p.kind === "idea") { upsert(state.ideas, p); renderIdeas(); }
      else if (p.kind === "announcement") {
        state.session.announcement = p.text; upsert(state.room_chat, p);
        upsertChat(byId("room-chat"), p, me); renderRound(state, timer); say(`Announcement: ${p.text}`);
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
      if (p.member_id === me) say("You have the floor.");
      break;
    case "floor_ended": state.floor = state.floor.filter((t) => t.id !== p.id); renderHands(); break;
    case "invited_to_speak": say("The facilitator invites you to speak."); break;
    case "member_muted": state.viewer.muted = p.muted; renderHands(); break;
    case "scribe_changed":
      if (state.table && state.table.id === p.table_id) {
        state.table.scribe_member_id = p.scribe_member_id; state.viewer.scribe = p.scribe_member_id === me; renderTable();
      }
      break;
    case "poll_changed": {
      const mine = (state.polls.find((x) => x.id === p.id) || {}).my_ballot;
      upsert(state.polls, { ...p, my_ballot: p.my_ballot ?? mine });
      syncList(byId("polls"), state.polls, "id", drawPoll);
      break;
    }
    case "recommendation_changed": {
      const mine = (state.recommendations.find((x) => x.id === p.id) || {}).my_vote;
      upsert(state.recommendations, { ...p, my_vote: mine ?? null });
      syncList(byId("recommendations"), state.recommendations, "id", drawRecommendation);
      break;
    }
    case "idea_board": state.idea_board = p; renderIdeas(); break;
    case "agenda_changed": state.rounds = p.rounds; renderRound(state, timer); break;
    default: break;
  }
}

live = connectLive({
  sessionId,
  statusNode: byId("live-status"),
  handlers: { state: (s) => { state = s; renderAll(); }, event: applyEvent },
});

function wireChat(formId, scope) {
  const form = byId(formId);
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = form.querySelector("textarea");
    const text = field.value.trim();
    if (!text) { say("Write a message first."); field.focus(); return; }
    const clientId = newClientId();
    const list = byId(scope === "table" ? "table-chat" : "room-chat");
    upsertChat(list, { client_id: clientId, author: state.viewer.name, text, pending: true, member_id: me }, me);
    field.value = "";
    const ack = await live.contribute("send_message", { text, scope, client_id: clientId });
    if (!ack.ok) {
      const pending = list.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
      if (pending) pending.remove();
      field.value = text;
      say(ack.error.message);
    }
  });
}
wireChat("room-chat-form", "room");
wireChat("table-chat-form", "table");

byId("hand-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const hand = myHand();
  const ack = hand
    ? await live.command("lower_hand", { hand_id: hand.id })
    : await live.contribute("raise_hand", { scope: handScope() });
  say(ack.ok ? (hand ? "Your hand is lowered." : "Your hand is raised.") : ack.error.message);
});

for (const [formId, event] of [["idea-form", "add_idea"], ["scribe-form", "add_note"], ["reflection-form", "add_reflection"]]) {
  const form = byId(formId);
  if (!form) continue;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const field = form.querySelector("textarea");
    const ack = await live.contribute(event, { text: field.value });
    if (ack.ok) { field.value = ""; say(event === "add_idea" ? "Idea added." : "Saved."); }
    else say(ack.error.message);
  });
}
