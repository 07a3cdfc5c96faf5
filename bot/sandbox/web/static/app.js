// The sandbox page: channel list, messages (live over /ws), the `/` command composer, components and modals.

import { escapeHtml } from "./markdown.js";
import { applyColours, renderMessage, renderModal } from "./render.js";
import { Composer } from "./composer.js";

const $ = (selector) => document.querySelector(selector);

// Sent with every request that changes something; the server refuses those without it (403).
const TOKEN = document.querySelector('meta[name="sandbox-token"]')?.content || "";

export const page = {
  meta: null,
  guild: null,
  user: null,
  channel: null,
  locale: "en-US",
  messages: new Map(),
  unread: new Set(),
  socket: null,
  openModal: null,
};

export async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Sandbox-Token": TOKEN },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `request failed (${response.status})`);
  return data;
}

export function toast(text, kind = "error") {
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = text;
  $("#toasts").append(el);
  setTimeout(() => el.remove(), 6000);
}

export function context() {
  const meta = page.meta || {};
  return {
    users: meta.usernames || {},
    members: Object.fromEntries((meta.users || []).map((u) => [u.id, u.name])),
    roles: meta.roles || {},
    channels: Object.fromEntries((meta.channels || []).map((c) => [c.id, c.name])),
  };
}

// Answer from /api/command, /api/click ... : open a modal or report that the bot did not answer.
export function handleOutcome(outcome) {
  if (outcome.modal) openModal(outcome);
  else if (!outcome.answered) toast(outcome.error || "This interaction failed");
}

export async function interact(path, body) {
  try {
    handleOutcome(await api(path, { user: page.user, locale: page.locale, ...body }));
  } catch (error) {
    toast(error.message);
  }
}

// ----- state ------------------------------------------------------------------------------------
// The chosen server, persona and channel decide which commands the `/` menu shows (as in Discord).
async function loadState() {
  const query = new URLSearchParams({ locale: page.locale });
  for (const key of ["guild", "user", "channel"]) if (page[key]) query.set(key, page[key]);
  page.meta = await api(`/api/state?${query}`);
  page.guild = page.meta.guild.id;
  page.channel = page.meta.channel;
  if (page.user !== page.meta.acting_as) {
    page.user = page.meta.acting_as;
    announce();
  }
  renderGuilds();
  renderUsers();
  renderChannels();
  composer.setCommands(page.meta.commands);
}

function announce() {
  if (page.socket?.readyState === WebSocket.OPEN) page.socket.send(JSON.stringify({ type: "as", user: page.user }));
}

function renderGuilds() {
  $("#guild-select").innerHTML = page.meta.guilds.map((g) =>
    `<option value="${escapeHtml(g.id)}"${g.id === page.guild ? " selected" : ""}>${escapeHtml(g.name)}</option>`).join("");
}

function userLabel(u) {
  const tags = [u.moderator && "moderator", u.curator && "curator"].filter(Boolean);
  return u.name + (tags.length ? ` (${tags.join(", ")})` : "");
}

function renderUsers() {
  const select = $("#user-select");
  select.innerHTML = page.meta.users.map((u) =>
    `<option value="${escapeHtml(u.id)}" data-name="${escapeHtml(u.name)}"${u.id === page.user ? " selected" : ""}>${escapeHtml(userLabel(u))}</option>`).join("");
  const me = page.meta.users.find((u) => u.id === page.user);
  $("#me-roles").innerHTML = (me?.roles || []).map((r) => `<span class="role">${escapeHtml(r)}</span>`).join("");
  const personas = page.meta.personas || [];
  $("#me-summary").textContent = personas.find((p) => p.id === page.user)?.summary || "";
  $("#persona-list").innerHTML = personas.map((p) =>
    `<li data-name="${escapeHtml(p.name)}">${escapeHtml(p.summary)}</li>`).join("");
}

function renderChannels() {
  $("#channels").innerHTML = page.meta.channels.map((c) =>
    `<li><button type="button" class="channel${c.id === page.channel ? " active" : ""}${page.unread.has(c.id) ? " unread" : ""}" data-id="${escapeHtml(c.id)}" data-name="${escapeHtml(c.name)}"><span class="hash">#</span>${escapeHtml(c.name)}</button></li>`).join("");
  const current = page.meta.channels.find((c) => c.id === page.channel);
  $("#channel-name").textContent = current?.name || "";
  $("#channel-topic").textContent = current?.topic || "";
  $("#composer-input").placeholder = `Message #${current?.name || ""}  —  type / for commands`;
}

async function loadMessages() {
  const list = await api(`/api/messages?channel=${page.channel}&user=${page.user}`);
  page.messages = new Map(list.map((m) => [m.id, m]));
  const box = $("#messages");
  box.innerHTML = "";
  for (const message of list) box.append(messageElement(message));
  box.scrollTop = box.scrollHeight;
}

function messageElement(message) {
  const li = document.createElement("li");
  li.className = "message" + (message.visible_to ? " ephemeral" : "") + (message.author?.bot ? " from-bot" : "");
  li.dataset.id = message.id;
  li.innerHTML = renderMessage(message, context());
  applyColours(li);
  return li;
}

function upsert(message) {
  if (message.channel_id !== page.channel) {
    page.unread.add(message.channel_id);
    renderChannels();
    return;
  }
  page.messages.set(message.id, message);
  const box = $("#messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const old = box.querySelector(`li.message[data-id="${CSS.escape(message.id)}"]`);
  const fresh = messageElement(message);
  if (old) old.replaceWith(fresh);
  else box.append(fresh);
  if (atBottom || !old) box.scrollTop = box.scrollHeight;
}

function remove(message) {
  page.messages.delete(message.id);
  $(`#messages li.message[data-id="${CSS.escape(message.id)}"]`)?.remove();
}

// ----- live updates -----------------------------------------------------------------------------
let firstReady = null;
const ready = new Promise((resolve) => { firstReady = resolve; });

function connect() {
  const socket = new WebSocket(`ws://${location.host}/ws`);
  page.socket = socket;
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "as", user: page.user }));
    $("#connection").classList.add("live");
  });
  socket.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "ready") { document.body.dataset.live = data.user; firstReady(); }
    else if (data.type === "message_create" || data.type === "message_update") upsert(data.message);
    else if (data.type === "message_delete") remove(data.message);
    else if (data.type === "commands") loadState();
  });
  socket.addEventListener("close", () => {
    $("#connection").classList.remove("live");
    delete document.body.dataset.live;
    setTimeout(() => { connect(); loadMessages().catch(() => {}); }, 1000);
  });
}

// ----- components, apps menu, modals --------------------------------------------------------------
function selectedValues(select) {
  return [...select.selectedOptions].map((o) => o.value).filter((v) => v !== "");
}

function sendSelect(wrapper) {
  const values = selectedValues(wrapper.querySelector("select"));
  const min = Number(wrapper.dataset.min), max = Number(wrapper.dataset.max);
  if (values.length < min || values.length > max) {
    toast(`Choose between ${min} and ${max} options`);
    return;
  }
  interact("/api/select", { message_id: wrapper.dataset.message, custom_id: wrapper.dataset.customId, values });
}

function onMessagesClick(event) {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  if (target.dataset.action === "click") {
    interact("/api/click", { message_id: target.dataset.message, custom_id: target.dataset.customId });
  } else if (target.dataset.action === "apply-select") {
    sendSelect(target.closest(".component-select"));
  } else if (target.dataset.action === "apps") {
    openAppsMenu(target);
  }
}

function onMessagesChange(event) {
  const select = event.target.closest("select[data-action=select]");
  if (select && !select.multiple) sendSelect(select.closest(".component-select"));
}

function openAppsMenu(button) {
  const menu = $("#menu");
  const names = page.meta.message_menus || [];
  menu.innerHTML = `<div class="menu-heading">Apps</div>` + (names.length
    ? names.map((n) => `<button type="button" class="menu-item" data-name="${escapeHtml(n)}">${escapeHtml(n)}</button>`).join("")
    : `<div class="menu-empty">No message commands</div>`);
  const rect = button.getBoundingClientRect();
  menu.style.top = `${rect.bottom + 4}px`;
  menu.style.left = `${Math.max(8, rect.right - 240)}px`;
  menu.dataset.message = button.dataset.message;
  menu.hidden = false;
}

function openModal(outcome) {
  page.openModal = outcome;
  const dialog = $("#modal");
  $("#modal-form").innerHTML = renderModal(outcome.modal, context());
  dialog.showModal();
  dialog.querySelector("input, textarea, select")?.focus();
}

async function submitModal(event) {
  event.preventDefault();
  const form = $("#modal-form");
  if (!form.reportValidity()) return;
  const values = {};
  for (const el of form.querySelectorAll("[name]")) {
    values[el.name] = el.dataset.kind === "select" ? selectedValues(el) : el.value;
  }
  const opened = page.openModal;
  $("#modal").close();
  page.openModal = null;
  await interact("/api/modal", { interaction_id: opened.interaction_id, values });
}

// ----- wiring -----------------------------------------------------------------------------------
const composer = new Composer({
  page, api, interact, toast, handleOutcome,
  root: $("#composer"), input: $("#composer-input"), popup: $("#command-popup"),
  form: $("#command-form"), options: $("#command-options"),
});

function wire() {
  const switchTo = async (change) => {
    try {
      change();
      await loadState();
      await loadMessages();
    } catch (error) {
      toast(error.message);
    }
  };
  $("#channels").addEventListener("click", (event) => {
    const button = event.target.closest("button.channel");
    if (!button) return;
    switchTo(() => { page.channel = button.dataset.id; page.unread.delete(page.channel); });
  });
  $("#guild-select").addEventListener("change", (event) => {
    switchTo(() => { page.guild = event.target.value; page.channel = null; });
  });
  $("#user-select").addEventListener("change", (event) => {
    switchTo(() => { page.user = event.target.value; announce(); });
  });
  $("#locale-select").addEventListener("change", async (event) => {
    page.locale = event.target.value;
    await loadState();
  });
  $("#messages").addEventListener("click", onMessagesClick);
  $("#messages").addEventListener("change", onMessagesChange);
  $("#menu").addEventListener("click", (event) => {
    const item = event.target.closest(".menu-item");
    if (!item) return;
    $("#menu").hidden = true;
    interact("/api/context", { name: item.dataset.name, message_id: $("#menu").dataset.message });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#menu, [data-action=apps]")) $("#menu").hidden = true;
  });
  $("#modal-form").addEventListener("submit", submitModal);
  $("#modal-form").addEventListener("click", (event) => {
    if (event.target.closest("[data-action=modal-cancel]")) { $("#modal").close(); page.openModal = null; }
  });
}

async function main() {
  wire();
  await loadState();
  connect();
  await ready;
  await loadMessages();
  document.body.dataset.ready = "true";
}

main().catch((error) => toast(`The sandbox page could not start: ${error.message}`));
