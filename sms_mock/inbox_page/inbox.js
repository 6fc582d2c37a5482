// The sms-mock inbox page: lists what the mock accepted, newest first, and keeps it live.
// It reads and changes everything through the inspection API (relative URLs: outbox, faults) and
// listens to the mock's Server-Sent Events (events); there is no polling loop.
"use strict";

const PAGE = 100;
const TEHRAN_OFFSET_MINUTES = 210; // Iran Standard Time, UTC+03:30, all year since 2022
const TYPE_LABELS = { webservice: "webservice", pattern: "pattern", votp: "voice code", peer_to_peer: "peer_to_peer" };

const $ = (id) => document.getElementById(id);
const state = { messages: [], next: null, total: 0, instance: null, filterTimer: null };

// ---------------------------------------------------------------- reading the outbox

function filters() {
  const params = new URLSearchParams();
  const q = $("q").value.trim();
  if (q) params.set("q", toAsciiDigits(q));
  if ($("type").value) params.set("sending_type", $("type").value);
  return params;
}

function filtering() {
  return $("q").value.trim() !== "" || $("type").value !== "";
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

async function load({ older = false } = {}) {
  const params = filters();
  params.set("limit", String(PAGE));
  if (older && state.next) params.set("before", String(state.next));
  try {
    const page = await api(`outbox?${params}`);
    state.messages = older ? state.messages.concat(page.messages) : page.messages;
    state.next = page.next;
    state.total = page.total;
    render();
  } catch (error) {
    notice(`Could not read the outbox: ${error.message}`);
  }
}

// ---------------------------------------------------------------- showing it

function toAsciiDigits(text) {
  return text.replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

function codeOf(message) {
  if (message.sending_type === "votp") return message.message;
  const variables = message.variables || {};
  for (const [name, value] of Object.entries(variables)) {
    if (/code|otp|pin|token|رمز|کد/i.test(name) && /\d/.test(toAsciiDigits(value))) return toAsciiDigits(value).replace(/\D/g, "");
  }
  const text = toAsciiDigits(message.message || Object.values(variables).join(" "));
  const found = text.match(/(?<!\d)\d{4,8}(?!\d)/);
  return found ? found[0] : null;
}

function utc(iso) {
  return iso.replace("T", " ").replace(/\.\d+/, "").replace(/(\+00:00|Z)$/, "") + " UTC";
}

function tehran(sendTime) {
  const at = new Date(sendTime.replace(" ", "T") + "Z");
  const local = new Date(at.getTime() + TEHRAN_OFFSET_MINUTES * 60000);
  return local.toISOString().slice(0, 16).replace("T", " ") + " Tehran";
}

function numberElement(number) {
  const span = document.createElement("bdi");
  span.className = "number";
  span.dir = "ltr";
  span.textContent = number;
  return span;
}

function card(message) {
  const item = $("message-template").content.firstElementChild.cloneNode(true);
  item.dataset.id = String(message.id);
  const badge = item.querySelector(".badge");
  badge.textContent = TYPE_LABELS[message.sending_type] || message.sending_type;
  badge.dataset.type = message.sending_type;
  item.querySelector(".ids").textContent = `#${message.id}`;
  const received = item.querySelector(".received");
  received.dateTime = message.received_at;
  received.textContent = `received ${utc(message.received_at)}`;
  const from = item.querySelector(".from");
  if (message.sender) from.append(numberElement(message.sender));
  else from.textContent = "(a voice call has no sender line)";
  const to = item.querySelector(".to");
  message.recipients.forEach((number, index) => {
    if (index) to.append(", ");
    to.append(numberElement(number));
  });
  const text = item.querySelector(".text");
  text.dir = "auto"; // each message takes the direction of its own text: Persian right to left
  if (message.message === null) {
    text.textContent = "(no pattern registered with this code: the text is the provider's)";
    text.classList.add("missing");
  } else {
    text.textContent = message.message;
  }
  if (message.sending_type === "pattern") {
    const pattern = item.querySelector(".pattern");
    pattern.hidden = false;
    const rows = [["Pattern", message.code], ...Object.entries(message.variables || {}).map(([k, v]) => [`%${k}%`, v])];
    for (const [name, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.dir = "auto";
      dd.textContent = value;
      pattern.append(dt, dd);
    }
  }
  const meta = [];
  if (message.parts !== null) meta.push(`${message.parts} SMS part${message.parts === 1 ? "" : "s"}, ${message.encoding}, ${message.characters} characters`);
  if (message.send_time) meta.push(`scheduled for ${message.send_time} UTC (${tehran(message.send_time)})`);
  else meta.push("sent at once");
  item.querySelector(".meta").textContent = meta.join(" · ");
  const code = codeOf(message);
  const copy = item.querySelector(".copy");
  if (code) {
    copy.hidden = false;
    copy.textContent = `Copy code ${code}`;
    copy.setAttribute("aria-label", `Copy code ${code} of message ${message.id}`);
    copy.addEventListener("click", () => copyCode(code, copy));
  }
  const remove = item.querySelector(".delete");
  remove.setAttribute("aria-label", `Delete message ${message.id}`);
  remove.addEventListener("click", () => deleteOne(message.id));
  return item;
}

function render(fresh = new Set()) {
  const list = $("messages");
  list.replaceChildren(...state.messages.map((message) => {
    const item = card(message);
    if (fresh.has(message.id)) item.classList.add("fresh");
    return item;
  }));
  $("older").hidden = !state.next;
  const shown = state.messages.length;
  $("summary").textContent = shown
    ? `${state.total} message${state.total === 1 ? "" : "s"}${filtering() ? " match" : ""}; showing the newest ${shown}.`
    : filtering() ? "No message matches." : "No message yet: send one to the mock and it appears here.";
  renderConversations();
}

function renderConversations() {
  const byRecipient = new Map();
  for (const message of state.messages) {
    for (const number of new Set(message.recipients)) {
      if (!byRecipient.has(number)) byRecipient.set(number, []);
      byRecipient.get(number).push(message);
    }
  }
  const sections = [];
  for (const [number, messages] of byRecipient) {
    const section = document.createElement("section");
    section.className = "conversation";
    const heading = document.createElement("h2");
    heading.append(numberElement(number), ` · ${messages.length} message${messages.length === 1 ? "" : "s"}`);
    const list = document.createElement("ol");
    list.className = "messages";
    list.append(...messages.map(card));
    section.append(heading, list);
    sections.push(section);
  }
  $("conversation-view").replaceChildren(...sections);
}

function notice(text) {
  const element = $("notice");
  element.textContent = text;
  element.hidden = !text;
}

function status(stateName, text) {
  const element = $("status");
  element.dataset.state = stateName;
  element.textContent = text;
}

// ---------------------------------------------------------------- what people do with it

async function copyCode(code, button) {
  try {
    await navigator.clipboard.writeText(code);
  } catch {
    const field = document.createElement("textarea");
    field.value = code;
    document.body.append(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
  const label = button.textContent;
  button.textContent = `Copied ${code}`;
  setTimeout(() => { button.textContent = label; }, 1500);
}

async function deleteOne(id) {
  try {
    await api(`outbox/${id}`, { method: "DELETE" });
    state.messages = state.messages.filter((message) => message.id !== id);
    state.total = Math.max(0, state.total - 1);
    render();
  } catch (error) {
    notice(`Could not delete message ${id}: ${error.message}`);
  }
}

async function deleteAll() {
  if (!window.confirm("Delete every message in the outbox? The duplicate window is forgotten too.")) return;
  try {
    await api("outbox", { method: "DELETE" });
    await load();
  } catch (error) {
    notice(`Could not clear the outbox: ${error.message}`);
  }
}

async function showFaults(faults) {
  const current = faults || await api("faults");
  $("latency-min").value = current.latency_ms[0];
  $("latency-max").value = current.latency_ms[1];
  $("failure-rate").value = current.failure_rate;
  $("status-500").checked = current.failure_statuses.includes(500);
  $("status-503").checked = current.failure_statuses.includes(503);
  $("retry-after").value = current.retry_after_seconds;
}

async function applyFaults(event) {
  event.preventDefault();
  const statuses = [500, 503].filter((code) => $(`status-${code}`).checked);
  const body = {
    latency_ms: [Number($("latency-min").value), Number($("latency-max").value)],
    failure_rate: Number($("failure-rate").value),
    failure_statuses: statuses,
    retry_after_seconds: Number($("retry-after").value),
  };
  try {
    await showFaults(await api("faults", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
    $("faults-result").textContent = "Applied.";
  } catch (error) {
    $("faults-result").textContent = `Not applied: ${error.message}`;
  }
}

// ---------------------------------------------------------------- live

function listen() {
  const events = new EventSource("events");
  events.addEventListener("hello", (event) => {
    const hello = JSON.parse(event.data);
    if (state.instance && state.instance !== hello.instance) {
      status("restarted", "Live (the mock restarted)");
      notice("The mock restarted: the list below is what the new one holds.");
      load();
      showFaults().catch(() => {});
    } else {
      status("live", "Live");
      if (state.instance) { notice(""); load(); }
    }
    state.instance = hello.instance;
  });
  events.addEventListener("messages", (event) => {
    const update = JSON.parse(event.data);
    if (filtering()) {
      clearTimeout(state.filterTimer);
      state.filterTimer = setTimeout(() => load(), 250);
      return;
    }
    const known = new Set(state.messages.map((message) => message.id));
    const fresh = update.messages.filter((message) => !known.has(message.id));
    state.messages = fresh.concat(state.messages).slice(0, Math.max(PAGE, state.messages.length));
    state.total = update.total;
    if (state.messages.length && state.next === null && update.total > state.messages.length) {
      state.next = state.messages[state.messages.length - 1].id;
    }
    render(new Set(fresh.map((message) => message.id)));
    if (update.more) notice(`${update.more} more arrived at once; the newest are shown.`);
  });
  events.addEventListener("reset", () => load());
  events.addEventListener("faults", (event) => showFaults(JSON.parse(event.data)));
  events.addEventListener("bye", () => status("stopped", "The mock is stopping"));
  events.onerror = () => status("stopped", "The mock has stopped (reconnecting…)");
  events.onopen = () => { if ($("status").dataset.state === "stopped") status("connecting", "Reconnecting…"); };
}

// ---------------------------------------------------------------- wiring

function switchView() {
  const conversations = document.querySelector('input[name="view"]:checked').value === "conversations";
  $("list-view").hidden = conversations;
  $("conversation-view").hidden = !conversations;
}

$("filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
$("q").addEventListener("input", () => { clearTimeout(state.filterTimer); state.filterTimer = setTimeout(() => load(), 250); });
$("type").addEventListener("change", () => load());
document.querySelectorAll('input[name="view"]').forEach((radio) => radio.addEventListener("change", switchView));
$("delete-all").addEventListener("click", deleteAll);
$("older").addEventListener("click", () => load({ older: true }));
$("faults").addEventListener("submit", applyFaults);

load();
showFaults().catch(() => {});
listen();
