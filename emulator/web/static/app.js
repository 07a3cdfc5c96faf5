// The sandbox page: servers, channels and personas, messages (live over /ws), the `/` composer, and the
// page's own language (the chosen one; by default the browser's, Japanese for `ja`).

import { $, api, context, currentPlace, page, toast } from "./core.js";
import { handleOutcome, hooks, interact, wireActions } from "./actions.js";
import { PendingFiles } from "./attach.js";
import { escapeHtml } from "./markdown.js";
import { browserLocale, setLanguage, t, translatePage } from "./i18n.js";
import { applyColours, avatarColour, renderMessage } from "./render.js";
import { refreshMenus } from "./select.js";
import { Composer } from "./composer.js";

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
  const tags = [u.moderator && t("moderator"), u.curator && t("curator")].filter(Boolean);
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
  renderDms();
  const place = currentPlace();
  $("#place-mark").textContent = place.dm ? "@" : "#";
  $("#channel-name").textContent = place.name;
  $("#channel-topic").textContent = place.topic;
  if (!composer.command) $("#composer-input").placeholder = composer.placeholder();
}

// "Direct messages": the acting member's DM with the bot (where Haikei writes about their submissions).
function renderDms() {
  const bot = page.meta.bot;
  const dm = page.meta.dm;
  const classes = ["dm-entry", dm && dm === page.channel ? "active" : "", dm && page.unread.has(dm) ? "unread" : ""].filter(Boolean);
  $("#dms").innerHTML = `<li><button type="button" class="${classes.join(" ")}" data-name="${escapeHtml(bot.name)}">` +
    `<span class="avatar dm-avatar" data-colour="${avatarColour(bot.id)}" aria-hidden="true">${escapeHtml(bot.name.slice(0, 1).toUpperCase())}</span>` +
    `<span class="dm-name">${escapeHtml(bot.name)}</span></button></li>`;
  applyColours($("#dms"));
}

async function loadMessages() {
  const list = await api(`/api/messages?channel=${page.channel}&user=${page.user}`);
  // The history holds this member's ephemeral messages too; Discord's client shows only those that arrived
  // while it was open (and not dismissed): after a reload they are gone.
  const shown = list.filter((m) => !m.visible_to || (page.ephemeral.has(m.id) && !page.dismissed.has(m.id)));
  page.messages = new Map(shown.map((m) => [m.id, m]));
  renderMessages();
}

function renderMessages() {
  const box = $("#messages");
  box.innerHTML = "";
  const place = currentPlace();
  if (place.dm && !page.messages.size) {
    const start = document.createElement("li");
    start.className = "dm-start";
    start.textContent = t("dmStart", { name: place.name });
    box.append(start);
  }
  for (const message of page.messages.values()) box.append(messageElement(message));
  box.scrollTop = box.scrollHeight;
}

function messageElement(message) {
  const li = document.createElement("li");
  li.className = "message" + (message.visible_to ? " ephemeral" : "") + (message.author?.bot ? " from-bot" : "");
  li.dataset.id = message.id;
  li.innerHTML = renderMessage(message, context());
  applyColours(li);
  refreshMenus(li);
  return li;
}

function upsert(message) {
  if (message.visible_to) {
    if (page.dismissed.has(message.id)) return;
    page.ephemeral.set(message.id, message);
  }
  if (message.channel_id !== page.channel) {
    page.unread.add(message.channel_id);
    // of the bot's DMs only the acting member's reach the page: one in a channel it does not know, before it
    // knows that member's DM, is the bot's first (the DM channel was just opened)
    const known = message.channel_id === page.meta.dm || message.channel_id in (page.meta.all_channels || {});
    if (!known && !page.meta.dm) loadState().catch((error) => toast(error.message));
    else renderChannels();
    return;
  }
  $("#messages li.dm-start")?.remove();
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
  page.ephemeral.delete(message.id);
  page.messages.delete(message.id);
  $(`#messages li.message[data-id="${CSS.escape(message.id)}"]`)?.remove();
}

// "Dismiss message" under an ephemeral message: gone from this page only, as in Discord's client.
function dismiss(id) {
  page.dismissed.add(id);
  remove({ id });
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
    else if (data.type === "commands") loadState().then(renderMessages);
  });
  socket.addEventListener("close", () => {
    $("#connection").classList.remove("live");
    delete document.body.dataset.live;
    setTimeout(() => { connect(); loadMessages().catch(() => {}); }, 1000);
  });
}

// ----- navigation -------------------------------------------------------------------------------
async function switchTo(change) {
  try {
    await change();
    await loadState();
    await loadMessages();
    showNav(false);
  } catch (error) {
    toast(error.message);
  }
}

// A channel mention or a Discord link to a channel or message: go there, and point at the message.
async function jump(guild, channel, message) {
  await switchTo(() => {
    if (guild && guild !== page.guild) { page.guild = guild; }
    page.channel = channel;
    page.unread.delete(channel);
  });
  if (!message) return;
  const target = $(`#messages li.message[data-id="${CSS.escape(message)}"]`);
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  target.classList.add("highlight");
  setTimeout(() => target.classList.remove("highlight"), 2500);
}

// The "Direct messages" entry: open (on first use, create) the acting member's DM channel with the bot.
function openDm() {
  return switchTo(async () => {
    const { id } = await api("/api/dm", { user: page.user });
    page.channel = id;
    page.unread.delete(id);
  });
}

// Narrow screens: the sidebar is a drawer opened with the ☰ button.
function showNav(open) {
  document.body.classList.toggle("nav-open", open);
  $("#scrim").hidden = !open;
  $("#nav-toggle").setAttribute("aria-expanded", String(open));
}

async function setLocale(locale) {
  page.locale = locale;
  setLanguage(locale);
  translatePage();
  $("#locale-select").value = locale;
  await loadState();
  renderMessages();
  if (composer.command) composer.renderForm();
}

// ----- wiring -----------------------------------------------------------------------------------
const files = new PendingFiles({
  button: $("#attach-button"), input: $("#attach-input"), list: $("#pending-files"),
  dropZone: $("#chat"), overlay: $("#drop-overlay"), overlayText: $("#drop-text"), toast,
  channelName: () => currentPlace().label,
});

const composer = new Composer({
  page, api, interact, toast, handleOutcome, files,
  place: currentPlace, root: $("#composer"), input: $("#composer-input"), popup: $("#command-popup"),
  form: $("#command-form"), options: $("#command-options"),
});

function wire() {
  hooks.jump = jump;
  hooks.chooseCommand = (path, shown) => composer.chooseByPath(path, shown);
  hooks.dismiss = dismiss;
  wireActions();
  $("#channels").addEventListener("click", (event) => {
    const button = event.target.closest("button.channel");
    if (!button) return;
    switchTo(() => { page.channel = button.dataset.id; page.unread.delete(page.channel); });
  });
  $("#dms").addEventListener("click", (event) => { if (event.target.closest(".dm-entry")) openDm(); });
  $("#guild-select").addEventListener("change", (event) => {
    switchTo(() => { page.guild = event.target.value; page.channel = null; });
  });
  $("#user-select").addEventListener("change", (event) => {
    switchTo(() => { page.user = event.target.value; announce(); });
  });
  $("#locale-select").addEventListener("change", (event) => setLocale(event.target.value).catch((e) => toast(e.message)));
  $("#nav-toggle").addEventListener("click", () => showNav(!document.body.classList.contains("nav-open")));
  $("#scrim").addEventListener("click", () => showNav(false));
}

async function main() {
  page.locale = browserLocale();
  setLanguage(page.locale);
  translatePage();
  $("#locale-select").value = page.locale;
  wire();
  await loadState();
  connect();
  await ready;
  await loadMessages();
  document.body.dataset.ready = "true";
}

main().catch((error) => toast(t("startFailed", { error: error.message })));
