/**
 * Shared client for the /live Socket.IO namespace (imported by live-juror.js,
 * live-console.js and live-gallery.js).
 *
 * - Joins the session and takes the state snapshot from the join acknowledgement; on every
 *   reconnect it joins again with `after_seq` (the highest sequence number seen), so it
 *   receives exactly what it missed, then the current state.
 * - Sends contributions with a client-generated id and keeps them in an outbox until the
 *   server acknowledges them; a retry after a reconnect reuses the id, so the server
 *   never writes a duplicate.
 * - Timers count down to the server's `ends_at`, corrected by the offset between the
 *   server's clock (`server_now`) and this device's.
 * - Everything written by people is inserted with textContent, never as HTML.
 * - Redraws morph the page in place (`morph`, `redraw`, `syncList`): a node that is still
 *   wanted is kept and updated, never rebuilt, so what a person is typing, the choices
 *   they have made, an opened <details> and focus all survive another person's event.
 */
import { t, tn } from "/static/js/i18n.js";
import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";

export function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Build an element: el("li", {class: "x", dataset: {id: 1}}, "text" | [children]).
 * Handlers (`onclick: fn`) are set as properties, so `morph` can hand them on. */
export function el(tag, attributes = {}, content = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node[key] = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  if (Array.isArray(content)) content.filter(Boolean).forEach((child) => node.append(child));
  else if (content !== null && content !== undefined) node.textContent = String(content);
  return node;
}

export function clear(node) {
  while (node && node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function formatClock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** A time as GOV.UK writes it (9am, 1:16pm, midday, midnight) in the council's time
 * zone (the page's data-time-zone), as the server's `chat_time` filter does. */
export function timeOf(iso) {
  if (!iso) return "";
  const root = document.getElementById("live-root");
  const timeZone = (root && root.dataset.timeZone) || undefined;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { hour: "numeric", minute: "2-digit", hourCycle: "h23", timeZone })
      .formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  if (minute === 0 && (hour === 0 || hour === 12)) return hour === 0 ? "midnight" : "midday";
  return `${hour % 12 || 12}${minute ? `:${String(minute).padStart(2, "0")}` : ""}${hour < 12 ? "am" : "pm"}`;
}

/** A countdown in `node` to the round's server end time. */
export class Timer {
  constructor(node, statusNode) {
    this.node = node;
    this.statusNode = statusNode;
    this.offset = 0;
    this.round = null;
    this.lastMinuteAnnounced = false;
    if (node) setInterval(() => this.draw(), 500);
  }

  set(round, serverNow) {
    if (serverNow) this.offset = new Date(serverNow).getTime() - Date.now();
    this.round = round;
    this.lastMinuteAnnounced = false;
    this.draw();
  }

  remaining() {
    const round = this.round;
    if (!round) return 0;
    if (round.status === "running" && round.ends_at) {
      return (new Date(round.ends_at).getTime() - (Date.now() + this.offset)) / 1000;
    }
    return round.remaining_seconds || 0;
  }

  draw() {
    if (!this.node) return;
    const round = this.round;
    const seconds = this.remaining();
    this.node.textContent = round ? formatClock(seconds) : "–";
    this.node.classList.toggle("consult-timer--paused", !!round && round.status === "paused");
    this.node.classList.toggle(
      "consult-timer--ending",
      !!round && round.status === "running" && seconds <= 60,
    );
    if (this.statusNode) {
      const text = !round
        ? t("liveNoRound")
        : round.status === "paused"
          ? t("livePaused")
          : seconds <= 0
            ? t("liveTimeUp")
            : "";
      if (this.statusNode.textContent !== text) this.statusNode.textContent = text;
    }
  }
}

/**
 * Connect to /live for one session. `handlers.state(state)` draws the whole page;
 * `handlers.event(name, payload)` applies one event (it must be idempotent: the same
 * event can arrive live and again in a resync).
 */
export function connectLive({ sessionId, gallery = false, handlers, statusNode }) {
  const socket = io("/live", {
    auth: gallery ? { gallery: sessionId } : {},
    transports: ["websocket", "polling"],
  });
  let lastSeq = null;
  const seen = new Set();
  // room -> the latest sequence number received in it. Every event names the previous
  // one in its room (`prev_seq`): one we never received means a broadcast went missing,
  // and a resync from before it fetches it.
  const roomSeq = new Map();
  const outbox = new Map(); // client_id -> {event, data, resolve}
  let joined = false;

  function setStatus(text) {
    if (statusNode && statusNode.textContent !== text) statusNode.textContent = text;
  }

  function note(seq) {
    if (typeof seq !== "number") return true;
    if (seen.has(seq)) return false;
    seen.add(seq);
    if (lastSeq === null || seq > lastSeq) lastSeq = seq;
    return true;
  }

  function follow(payload) {
    if (!payload || typeof payload.room !== "string" || typeof payload.seq !== "number") return;
    const known = roomSeq.get(payload.room);
    const missed = known !== undefined && typeof payload.prev_seq === "number" && payload.prev_seq > known;
    if (known === undefined || payload.seq > known) roomSeq.set(payload.room, payload.seq);
    if (missed) join(known); // fetch what came between (already-seen events are skipped)
  }

  function join(afterSeq) {
    const request = { session_id: sessionId };
    const from = typeof afterSeq === "number" ? afterSeq : lastSeq;
    if (from !== null) request.after_seq = from;
    socket.emit("join", request, (ack) => {
      if (!ack || !ack.ok) {
        setStatus(ack && ack.error ? ack.error.message : t("liveCouldNotJoin"));
        return;
      }
      joined = true;
      handlers.state(ack.state);
      for (const item of ack.events || []) {
        if (note(item.seq)) handlers.event(item.event, item.payload, { replay: true });
      }
      for (const [room, seq] of Object.entries(ack.room_seqs || {})) {
        if (!(roomSeq.get(room) >= seq)) roomSeq.set(room, seq);
      }
      if (typeof ack.last_seq === "number") note(ack.last_seq);
      setStatus("");
      document.body.dataset.liveSeq = String(lastSeq ?? "");
      document.body.dataset.liveReady = "true";
      for (const [clientId, item] of outbox) send(clientId, item);
    });
  }

  function send(clientId, item) {
    socket.timeout(8000).emit(item.event, item.data, (error, ack) => {
      if (error) return; // no answer: it stays in the outbox and is sent again on reconnect
      outbox.delete(clientId);
      if (ack && ack.ok && typeof ack.seq === "number") note(ack.seq);
      item.resolve(ack);
    });
  }

  socket.on("connect", () => {
    setStatus(t("liveConnected"));
    join();
  });
  socket.on("disconnect", () => {
    joined = false;
    document.body.dataset.liveReady = "false";
    setStatus(t("liveConnectionLost"));
  });
  socket.on("connect_error", () => setStatus(t("liveCannotReach")));
  socket.onAny((name, payload) => {
    if (payload && typeof payload.seq === "number" && !note(payload.seq)) return;
    if (payload && typeof payload.seq === "number") {
      document.body.dataset.liveSeq = String(lastSeq);
    }
    follow(payload);
    if (name === "tables_changed" || name === "table_changed") {
      join(); // rooms change: join again to enter the right table
    }
    handlers.event(name, payload || {}, { replay: false });
  });

  return {
    socket,
    /** Connected and joined: events sent now are answered. (Forms that can also be
     * posted fall back to a plain POST while this is false.) */
    ready() {
      return socket.connected && joined;
    },
    /** Send an event that creates something: kept until acknowledged, retried with the
     * same client_id after a reconnect. Resolves with the acknowledgement. */
    contribute(event, data) {
      const clientId = data.client_id || newClientId();
      const body = { ...data, session_id: sessionId, client_id: clientId };
      return new Promise((resolve) => {
        const item = { event, data: body, resolve };
        outbox.set(clientId, item);
        if (socket.connected && joined) send(clientId, item);
      });
    },
    /** Send a command (no client id); resolves with the acknowledgement. */
    command(event, data = {}) {
      return new Promise((resolve) => {
        socket.timeout(8000).emit(event, { ...data, session_id: sessionId }, (error, ack) => {
          if (error) resolve({ ok: false, error: { message: t("liveNoAnswer") } });
          else resolve(ack);
        });
      });
    },
    rejoin: () => join(),
  };
}

/** A message list item: author, time and text, all as text. */
export function chatItem(message, ownMemberId) {
  const own = ownMemberId && message.member_id === ownMemberId;
  const item = el(
    "li",
    {
      class: `consult-chat__message${own ? " consult-chat__message--own" : ""}${
        message.pending ? " consult-chat__message--pending" : ""
      }`,
      dataset: { id: message.id ?? "", clientId: message.client_id ?? "" },
    },
    [
      el("span", { class: "consult-chat__author" }, message.author || t("liveSomeone")),
      el("span", { class: "consult-chat__time" }, timeOf(message.created_at)),
      el(
        "span",
        { class: "consult-chat__text" },
        message.hidden ? t("liveHidden") : message.text,
      ),
    ],
  );
  if (message.kind === "announcement") item.prepend(el("strong", {}, `${t("liveAnnouncement")} `));
  if (message.kind === "note") item.prepend(el("strong", {}, `${t("liveScribeNote")} `));
  return item;
}

/** Put a message in a chat list: replace the pending copy or an older copy, else append. */
export function upsertChat(list, message, ownMemberId) {
  if (!list) return;
  const item = chatItem(message, ownMemberId);
  const existing =
    (message.id && list.querySelector(`[data-id="${CSS.escape(String(message.id))}"]`)) ||
    (message.client_id &&
      list.querySelector(`[data-client-id="${CSS.escape(String(message.client_id))}"]`));
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (existing) existing.replaceWith(item);
  else list.append(item);
  const empty = list.querySelector(".live-empty");
  if (empty) empty.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

export function renderChat(list, messages, ownMemberId) {
  if (!list) return;
  clear(list);
  if (!messages.length) list.append(el("li", { class: "consult-chat__message live-empty" }, t("liveNoMessages")));
  for (const message of messages) list.append(chatItem(message, ownMemberId));
  list.scrollTop = list.scrollHeight;
}

export const ROUND_LABELS = {
  briefing: t("roundBriefing"),
  open_discussion: t("roundOpenDiscussion"),
  table_discussion: t("roundTableDiscussion"),
  ideas: t("roundIdeas"),
  poll: t("roundPoll"),
  drafting: t("roundDrafting"),
  final_vote: t("roundFinalVote"),
  reflection: t("roundReflection"),
};

/** A round's `field` in the page's language: its Welsh version (`<field>_cy`) on a Welsh
 * page when there is one, else the English, with the language to mark it in
 * (consult.i18n.in_language draws the same on the server). */
export function inLanguage(item, field) {
  const page = document.documentElement.lang || "en-GB";
  const welsh = page === "cy" ? (item[`${field}_cy`] || "").trim() : "";
  if (welsh) return { text: welsh, lang: null };
  return { text: item[field] || "", lang: page === "cy" ? "en-GB" : null };
}

/** An element showing `item`'s `field` in the page's language (see inLanguage), with
 * lang="en-GB" when a Welsh page falls back to the English. */
export function elInLanguage(tag, attributes, item, field) {
  const shown = inLanguage(item, field);
  return el(tag, { ...attributes, lang: shown.lang }, shown.text);
}

/** On a Welsh page, the note that some of a poll's text (its question, an option, a
 * statement) has no Welsh version and shows in English; null otherwise (the server's
 * _poll_kinds.html `translation_note` draws the same). */
export function translationNote(poll) {
  if ((document.documentElement.lang || "en-GB") !== "cy") return null;
  const lacks = (item, field) => !(item[`${field}_cy`] || "").trim();
  const missing = lacks(poll, "question") || (poll.options || []).some((o) => lacks(o, "label"))
    || (poll.statements || []).some((s) => lacks(s, "text"));
  if (!missing) return null;
  return el("div", { class: "govuk-inset-text", id: `poll-${poll.id}-translation-note` }, [el("p", { class: "govuk-body" }, t("contentNotInWelsh"))]);
}

/** Set a node's text and its lang (null: the page's own). */
function setInLanguage(node, shown) {
  if (!node) return;
  if (node.textContent !== shown.text) node.textContent = shown.text;
  if (shown.lang) node.setAttribute("lang", shown.lang);
  else node.removeAttribute("lang");
}

/** Draw the round header: title, kind, instructions (and, for staff, the script),
 * materials and agenda. An ended session shows "This session has ended" and what
 * happens next instead of its last round, timer and announcement. */
export function renderRound(state, timer) {
  const ended = state.session.status === "ended";
  const round = ended ? null : state.round;
  const set = (id, text) => {
    const node = document.getElementById(id);
    if (node && node.textContent !== text) node.textContent = text;
  };
  const show = (id, visible) => {
    const node = document.getElementById(id);
    if (node && node.hidden === visible) node.hidden = !visible;
  };
  if (round) setInLanguage(document.getElementById("round-title"), inLanguage(round, "title"));
  else setInLanguage(document.getElementById("round-title"), { text: ended ? t("liveSessionEnded") : t("liveWaiting"), lang: null });
  set("round-kind", round ? ROUND_LABELS[round.kind] || round.kind : "");
  setInLanguage(document.getElementById("round-instructions"), round ? inLanguage(round, "instructions") : { text: "", lang: null });
  set("round-materials", round ? round.materials : "");
  const script = round && state.scripts ? state.scripts[String(round.id)] || "" : "";
  set("round-script-text", script);
  show("round-script", !!script);
  show("session-ended", ended);
  show("round-live", !ended);
  timer.set(round, state.server_now);
  const agenda = document.getElementById("agenda-list");
  if (agenda && state.rounds) {
    clear(agenda);
    for (const item of state.rounds) {
      const current = round && item.id === round.id;
      agenda.append(
        el("li", { "aria-current": current ? "step" : null }, [
          current ? el("strong", { lang: inLanguage(item, "title").lang }, inLanguage(item, "title").text) : el("span", { lang: inLanguage(item, "title").lang }, inLanguage(item, "title").text),
          el("span", { class: "govuk-hint govuk-!-display-inline" }, ` (${ROUND_LABELS[item.kind] || item.kind}, ${ROUND_STATUSES[item.status] || item.status})`),
        ]),
      );
    }
  }
  const banner = document.getElementById("announcement");
  if (banner) {
    const text = ended ? "" : state.session.announcement || "";
    banner.hidden = !text;
    set("announcement-text", text);
  }
}

const SVG = "http://www.w3.org/2000/svg";
const GROUP_COLOURS = ["#0b4f6c", "#d4351c", "#00703c", "#6f3c97", "#b58840", "#28a197"];

/** The opinion map: one dot per participant (no names), coloured by opinion group,
 * with a text summary next to it for people who cannot see the picture. */
export function opinionMap(opinion) {
  const wrapper = el("div", { class: "live-opinion" });
  if (!opinion || !opinion.available) {
    const least = (opinion && opinion.min_voters) || 6;
    wrapper.append(el("p", { class: "govuk-body-s" }, t("opinionHidden", { num: least })));
    return wrapper;
  }
  const points = opinion.points || [];
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const span = (values) => Math.max(1e-6, Math.max(...values) - Math.min(...values));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 220 160");
  svg.setAttribute("width", "100%");
  svg.setAttribute("role", "img");
  svg.setAttribute(
    "aria-label",
    t("opinionMapLabel", { num: points.length, groups: opinion.groups.length }),
  );
  const frame = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: 1, y: 1, width: 218, height: 158, fill: "none", stroke: "#b1b4b6" })) frame.setAttribute(k, v);
  svg.append(frame);
  for (const p of points) {
    const dot = document.createElementNS(SVG, "circle");
    const cx = 10 + ((p.x - Math.min(...xs)) / span(xs)) * 200;
    const cy = 10 + ((p.y - Math.min(...ys)) / span(ys)) * 140;
    dot.setAttribute("cx", cx.toFixed(1));
    dot.setAttribute("cy", cy.toFixed(1));
    dot.setAttribute("r", "4");
    dot.setAttribute("fill", p.group === null || p.group === undefined ? "#505a5f" : GROUP_COLOURS[p.group % GROUP_COLOURS.length]);
    svg.append(dot);
  }
  wrapper.append(svg);
  wrapper.append(el("h4", { class: "govuk-heading-s" }, t("opinionGroups")));
  const summary = el("ul", { class: "govuk-list govuk-list--bullet govuk-body-s" });
  for (const group of opinion.groups) {
    const top = group.representative[0];
    const values = top ? { share: Math.round(top.share * 100), text: inLanguage(top, "text").text } : {};
    const standsOut = top ? t(top.stance === "agreed" ? "opinionAgreed" : "opinionDisagreed", values) : "";
    summary.append(el("li", {}, `${tn("opinionGroup", group.size, { label: group.label })}${standsOut}`));
  }
  for (const item of opinion.consensus || []) {
    summary.append(el("li", {}, t("opinionCommon", { text: inLanguage(item, "text").text, share: Math.round(item.agree * 100) })));
  }
  for (const item of opinion.divisive || []) {
    summary.append(el("li", {}, t("opinionDivides", { text: inLanguage(item, "text").text })));
  }
  wrapper.append(summary);
  return wrapper;
}

/** A bar of stacked parts [[class, count]] as SVG shapes (never a style= attribute),
 * hidden from screen readers: the counts are written beside it. */
export function bar(parts, total) {
  const svg = document.createElementNS(SVG, "svg");
  const attrs = (node, values) => { for (const [k, v] of Object.entries(values)) node.setAttribute(k, String(v)); return node; };
  attrs(svg, { class: "consult-bar", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
  svg.append(attrs(document.createElementNS(SVG, "rect"), { class: "consult-bar__track", x: 0, y: 0, width: 100, height: 10 }));
  let x = 0;
  for (const [name, count] of parts) {
    const width = total ? (count / total) * 100 : 0;
    if (width > 0) svg.append(attrs(document.createElementNS(SVG, "rect"), { class: `consult-bar__${name}`, x: x.toFixed(2), y: 0, width: width.toFixed(2), height: 10 }));
    x += width;
  }
  return svg;
}

const shareOf = (count, total) => `${total ? Math.round((count / total) * 100) : 0}%`;
const RESULT_COLUMNS = { single_choice: ["count", t("resultVotes")], ranking: ["score", t("resultPoints")], dots: ["total", t("resultDots")], budget: ["mean", t("resultAverage")] };
const ROUND_STATUSES = { pending: t("roundPending"), running: t("roundRunning"), paused: t("roundPausedStatus"), done: t("roundDone") };

/** Poll results as a bar per statement or option, with the counts written out (as
 * templates/live/_poll_kinds.html draws them); they fit a 390 px phone. */
export function pollResults(poll) {
  const results = poll.results;
  const box = el("div", { class: "live-results" });
  if (!results) return box;
  box.append(el("p", { class: "govuk-body-s" }, tn("ballots", results.ballots)));
  if (poll.kind === "agree_disagree") {
    box.append(el("h4", { class: "govuk-heading-s" }, t("votesPerStatement")));
    box.append(el("ul", { class: "consult-results" }, (results.statements || []).map((s) => {
      const total = s.agree + s.disagree + s.pass;
      return el("li", { class: "consult-results__item" }, [
        elInLanguage("p", { class: "govuk-body govuk-!-margin-bottom-1" }, s, "text"),
        bar([["agree", s.agree], ["disagree", s.disagree], ["pass", s.pass]], total),
        el("p", { class: "govuk-body-s consult-results__counts" }, [
          el("span", { class: "consult-key consult-key--agree" }, t("agreeCount", { count: s.agree, share: shareOf(s.agree, total) })),
          document.createTextNode(" "),
          el("span", { class: "consult-key consult-key--disagree" }, t("disagreeCount", { count: s.disagree, share: shareOf(s.disagree, total) })),
          document.createTextNode(" "),
          el("span", { class: "consult-key consult-key--pass" }, t("passCount", { count: s.pass })),
        ]),
      ]);
    })));
    box.append(opinionMap(results.opinion));
    return box;
  }
  const [key, heading] = RESULT_COLUMNS[poll.kind] || RESULT_COLUMNS.single_choice;
  const options = results.options || [];
  const top = options.length ? Math.max(...options.map((o) => o[key])) : 0;
  box.append(el("h4", { class: "govuk-heading-s" }, t("perOption", { heading })));
  box.append(el("ul", { class: "consult-results" }, options.map((o) => el("li", { class: "consult-results__item" }, [
    el("p", { class: "govuk-body govuk-!-margin-bottom-1" }, [
      elInLanguage("span", {}, o, "label"), document.createTextNode(": "), el("strong", {}, String(o[key])), document.createTextNode(" "),
      el("span", { class: "govuk-visually-hidden" }, heading.toLowerCase()),
    ]),
    bar([["value", o[key]]], top),
  ]))));
  return box;
}

// ------------------------------------------------------------------ redrawing in place

const HANDLERS = ["onclick", "onchange", "oninput", "onsubmit"];

function sameKind(a, b) {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (a.nodeType !== Node.ELEMENT_NODE) return true;
  return (a.id || "") === (b.id || "") && (a.nodeName !== "INPUT" || a.type === b.type);
}

/** Attributes come from the fresh drawing, except what belongs to the person: whether
 * they opened a <details>, and a form's client id (a resubmit must reuse it). The
 * browser keeps a field's value once it was edited (its "dirty" flag), so a new `value`
 * or `checked` attribute changes only the default of a field the person has changed. */
function syncAttributes(from, to) {
  const keep = (name) =>
    (from.nodeName === "DETAILS" && name === "open") ||
    (name === "tabindex" && from === document.activeElement) ||
    (from.nodeName === "INPUT" && from.type === "hidden" && from.name === "client_id" && name === "value");
  for (const { name } of [...from.attributes]) {
    if (!to.hasAttribute(name) && !keep(name)) from.removeAttribute(name);
  }
  for (const { name, value } of to.attributes) {
    if (from.getAttribute(name) !== value && !keep(name)) from.setAttribute(name, value);
  }
  for (const handler of HANDLERS) if (from[handler] !== to[handler]) from[handler] = to[handler];
}

function matchFor(fresh, olds, keyed, used, cursor) {
  if (fresh.id) {
    const match = keyed.get(fresh.id);
    return match && !used.has(match) && sameKind(match, fresh) ? [match, cursor.at] : [null, cursor.at];
  }
  // the next unkeyed node of the same kind (unkeyed nodes skipped over are dropped)
  for (let i = cursor.at; i < olds.length; i += 1) {
    if (!used.has(olds[i]) && !olds[i].id && sameKind(olds[i], fresh)) return [olds[i], i + 1];
  }
  return [null, cursor.at];
}

/** Children are matched first and the unmatched old ones removed before anything is
 * placed, so a kept node is not moved (moving a focused field would blur it). */
function morphChildren(from, to) {
  const olds = [...from.childNodes];
  const keyed = new Map(olds.filter((n) => n.id).map((n) => [n.id, n]));
  const used = new Set();
  const cursor = { at: 0 };
  const pairs = [...to.childNodes].map((fresh) => {
    const [match, next] = matchFor(fresh, olds, keyed, used, cursor);
    cursor.at = next;
    if (match) used.add(match);
    return [fresh, match];
  });
  for (const old of olds) if (!used.has(old)) old.remove();
  pairs.forEach(([fresh, match], index) => {
    const node = match ? morph(match, fresh) : fresh;
    const here = from.childNodes[index];
    if (here !== node) from.insertBefore(node, here || null);
  });
}

/** Make the live node `from` look like the freshly drawn `to`, keeping every node that
 * can be kept (matched by id, else by kind in order). Returns the node now in the page. */
export function morph(from, to) {
  if (!sameKind(from, to)) {
    from.replaceWith(to);
    return to;
  }
  if (from.nodeType === Node.ELEMENT_NODE) {
    syncAttributes(from, to);
    morphChildren(from, to);
  } else if (from.nodeValue !== to.nodeValue) {
    from.nodeValue = to.nodeValue;
  }
  return from;
}

/** If the focused element was inside `node` and is gone, put focus on `node`'s heading
 * (or `node`), not on the page body: a screen reader keeps its place. */
function keepFocusNear(node, active) {
  if (!active || active === document.body || active.isConnected) return;
  const target = node.querySelector("h2, h3, h4") || node;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

/** Morph `from` into `to`; focus that was inside and lost lands nearby. */
export function update(from, to) {
  const active = from.contains(document.activeElement) ? document.activeElement : null;
  const node = morph(from, to);
  if (active && active.isConnected && document.activeElement !== active) {
    active.focus({ preventScroll: true }); // a reordered list moved it
  }
  keepFocusNear(node, active);
  return node;
}

/** Redraw a container's contents in place: `fill(fresh)` draws into an empty copy of
 * `container`, and the page's container is morphed to match. */
export function redraw(container, fill) {
  if (!container) return container;
  const fresh = container.cloneNode(false);
  fill(fresh);
  update(container, fresh);
  return container;
}

/** Keyed re-rendering: redraw an item only when its data changed, in place (`morph`),
 * so a half-typed amendment, a chosen radio and focus survive. Items drawn on the server
 * carry `data-key` but no signature: the first call redraws them in place too. */
export function syncList(container, items, key, draw, emptyText) {
  if (!container) return;
  const wanted = new Set(items.map((item) => String(item[key])));
  for (const child of [...container.children]) {
    if (!wanted.has(child.dataset.key)) child.remove();
  }
  let previous = null;
  for (const item of items) {
    const id = String(item[key]);
    const signature = JSON.stringify(item);
    let node = container.querySelector(`:scope > [data-key="${CSS.escape(id)}"]`);
    if (!node || node.dataset.signature !== signature) {
      const fresh = draw(item);
      fresh.dataset.key = id;
      fresh.dataset.signature = signature;
      node = node ? update(node, fresh) : fresh;
    }
    if (previous ? previous.nextSibling !== node : container.firstChild !== node) {
      if (previous) previous.after(node);
      else container.prepend(node);
    }
    previous = node;
  }
  const empty = container.parentElement && container.parentElement.querySelector(":scope > .live-empty-note");
  if (empty) empty.hidden = items.length > 0;
  void emptyText;
}

export function upsert(list, item, key = "id") {
  const index = list.findIndex((x) => x[key] === item[key]);
  if (index >= 0) list[index] = { ...list[index], ...item };
  else list.push(item);
  return list;
}
