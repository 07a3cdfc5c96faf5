// What every part of the page shares: its state, the API client (with the page's token) and toasts.

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
  // Ephemeral ("Only you can see this") messages that arrived while this page was open: Discord's client keeps
  // them for the session only, so a reload drops them; dismissed ones are gone at once.
  ephemeral: new Map(),
  dismissed: new Set(),
  socket: null,
  openModal: null,
};

export const $ = (selector) => document.querySelector(selector);

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

// What message rendering needs to name users, roles, channels and commands (in the chosen language).
export function context() {
  const meta = page.meta || {};
  const commands = meta.command_names || {};
  return {
    users: meta.usernames || {},
    members: Object.fromEntries((meta.users || []).map((u) => [u.id, u.name])),
    roles: meta.roles || {},
    channels: Object.fromEntries((meta.channels || []).map((c) => [c.id, c.name])),
    allChannels: meta.all_channels || {},
    commands,
    displays: Object.assign({}, ...Object.values(commands)),
  };
}

// Where the page is: one of the server's channels, or the acting member's DM with the bot.
export function currentPlace() {
  const meta = page.meta || {};
  if (meta.dm && page.channel === meta.dm) return { dm: true, name: meta.bot?.name || "", topic: "", label: `@${meta.bot?.name || ""}` };
  const channel = (meta.channels || []).find((c) => c.id === page.channel);
  return { dm: false, name: channel?.name || "", topic: channel?.topic || "", label: `#${channel?.name || ""}` };
}
