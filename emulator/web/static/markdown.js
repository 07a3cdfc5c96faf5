// Discord-flavoured markdown to HTML. Everything is escaped first; only known, safe tags are added back.

import { lang, t } from "./i18n.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function formatTimestamp(unix, style, now = Date.now()) {
  const date = new Date(Number(unix) * 1000);
  if (style === "R") {
    const seconds = Math.round((date.getTime() - now) / 1000);
    const rtf = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
    const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
    }
    return rtf.format(seconds, "second");
  }
  const options = {
    t: { timeStyle: "short" }, T: { timeStyle: "medium" }, d: { dateStyle: "short" },
    D: { dateStyle: "long" }, F: { dateStyle: "full", timeStyle: "short" },
  }[style] || { dateStyle: "long", timeStyle: "short" };
  return date.toLocaleString(lang() === "ja" ? "ja-JP" : "en-US", options);
}

// Discord's own message and channel links open in the app; here, in the sandbox's channel.
const DISCORD_LINK = /^https:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/channels\/(\d+|@me)\/(\d+)(?:\/(\d+))?\/?$/;
const TRAILING = /(?:[.,:;!?)\]]|&quot;|&#39;)$/;
const ENTITY_END = /&(?:amp|lt|gt);$/;

function external(url, label) {
  return `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`;
}

// url and label are already escaped. Known channels jump inside the page; everything else opens a new tab.
function link(url, label, ctx) {
  const m = DISCORD_LINK.exec(url.replace(/&amp;/g, "&"));
  const channel = m && ctx.allChannels?.[m[2]];
  if (!channel) return external(url, label);
  const message = m[3] ? ` data-message="${m[3]}"` : "";
  const text = label === url ? `#${escapeHtml(channel.name)}${m[3] ? ` › ${escapeHtml(t("messageLink"))}` : ""}` : label;
  return `<a href="#" class="mention channel-link" data-action="jump" data-guild="${escapeHtml(channel.guild)}" data-channel="${m[2]}"${message}>${text}</a>`;
}

// Discord links only a full URL, one with a host: `https://` alone (or `https://.`) stays text.
function hasHost(escapedUrl) {
  try {
    return new URL(escapedUrl.replace(/&amp;/g, "&")).hostname !== "";
  } catch {
    return false;
  }
}

// A bare URL ends before whitespace or < >, and without trailing punctuation (as Discord's linkifier does).
function bareUrl(found) {
  let url = found;
  let tail = "";
  while (TRAILING.test(url) && !ENTITY_END.test(url)) {
    const cut = url.match(TRAILING)[0];
    tail = cut + tail;
    url = url.slice(0, -cut.length);
  }
  return [url, tail];
}

function commandMention(path, id, ctx) {
  const clean = path.replace(/\s+/g, " ").trim();
  const display = ctx.commands?.[id]?.[clean];
  if (!display) return `<span class="mention command-mention unknown">/${clean}</span>`;
  return `<button type="button" class="mention command-mention" data-action="command" data-path="${clean}" data-command-id="${id}">/${escapeHtml(display)}</button>`;
}

// ctx: { users, roles, channels: {id: name}, allChannels: {id: {name, guild}}, commands: {id: {path: shown}} }
function inlineRich(escaped, ctx) {
  const saved = [];
  const keep = (html) => `\u0000${saved.push(html) - 1}\u0000`;
  let s = escaped.replace(/\\(&lt;|&gt;|&amp;|&quot;|&#39;|[\\*_~`|[\]()#>:.!-])/g, (_, ch) => keep(ch));
  s = s.replace(/\[([^\]\n]+)\]\((?:&lt;(https?:\/\/[^\s&]+(?:&amp;[^\s&]+)*)&gt;|(https?:\/\/[^\s)]+))\)/g,
    (found, label, bracketed, plain) => (hasHost(bracketed || plain) ? keep(link(bracketed || plain, label, ctx)) : found));
  s = s.replace(/&lt;(https?:\/\/(?:(?!&lt;|&gt;)[^\s\u0000])+)&gt;/g, (found, url) => (hasHost(url) ? keep(link(url, url, ctx)) : found));
  s = s.replace(/https?:\/\/(?:(?!&lt;|&gt;)[^\s\u0000])+/g, (found) => {
    const [url, tail] = bareUrl(found);
    return hasHost(url) ? keep(link(url, url, ctx)) + tail : found;
  });
  s = s.replace(/&lt;@!?(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(ctx.users?.[id] ?? "unknown-user")}</span>`));
  s = s.replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(ctx.roles?.[id] ?? "unknown-role")}</span>`));
  s = s.replace(/&lt;#(\d+)&gt;/g, (_, id) => {
    const channel = ctx.allChannels?.[id];
    return keep(channel
      ? `<a href="#" class="mention channel-link" data-action="jump" data-guild="${escapeHtml(channel.guild)}" data-channel="${id}">#${escapeHtml(channel.name)}</a>`
      : `<span class="mention">#${escapeHtml(ctx.channels?.[id] ?? "unknown")}</span>`);
  });
  s = s.replace(/&lt;\/([^:&\n\u0000]+):(\d+)&gt;/g, (_, path, id) => keep(commandMention(path, id, ctx)));
  s = s.replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, unix, style) =>
    keep(`<time class="md-time">${escapeHtml(formatTimestamp(unix, style))}</time>`));
  s = s.replace(/\*\*\*([^*\n]+)\*\*\*/g, "<strong><em>$1</em></strong>");
  s = s.replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/__([^_\n]+)__/g, "<u>$1</u>");
  s = s.replace(/(^|[^\w*])\*([^*\n]+)\*(?!\w)/g, "$1<em>$2</em>");
  s = s.replace(/(^|[^\w])_([^_\n]+)_(?!\w)/g, "$1<em>$2</em>");
  s = s.replace(/~~([^~\n]+)~~/g, "<s>$1</s>");
  s = s.replace(/\|\|([^|\n]+)\|\|/g, '<span class="spoiler">$1</span>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => saved[Number(i)]);
}

function inline(text, ctx) {
  return String(text).split(/(`[^`\n]+`)/g).map((part) =>
    part.length > 2 && part.startsWith("`") && part.endsWith("`")
      ? `<code class="md-code">${escapeHtml(part.slice(1, -1))}</code>`
      : inlineRich(escapeHtml(part), ctx)).join("");
}

function blocks(text, ctx) {
  const out = [];
  let list = [];
  const flush = () => { if (list.length) { out.push(`<ul class="md-list">${list.join("")}</ul>`); list = []; } };
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    let m;
    if ((m = /^\s*[-*] (.*)$/.exec(line))) { list.push(`<li>${inline(m[1], ctx)}</li>`); return; }
    flush();
    if ((m = /^(#{1,3}) (.*)$/.exec(line))) out.push(`<div class="md-h${m[1].length}">${inline(m[2], ctx)}</div>`);
    else if ((m = /^-# (.*)$/.exec(line))) out.push(`<div class="md-subtext">${inline(m[1], ctx)}</div>`);
    else if ((m = /^>>? ?(.*)$/.exec(line))) out.push(`<blockquote>${inline(m[1], ctx)}</blockquote>`);
    else out.push(inline(line, ctx) + (index < lines.length - 1 ? "<br>" : ""));
  });
  flush();
  return out.join("");
}

export function markdown(text, ctx = {}) {
  if (!text) return "";
  return String(text).split(/(```[\s\S]*?```)/g).map((part) => {
    if (part.length >= 6 && part.startsWith("```") && part.endsWith("```")) {
      const body = part.slice(3, -3).replace(/^[\w+-]*\n/, "");
      return `<pre class="md-codeblock"><code>${escapeHtml(body)}</code></pre>`;
    }
    return blocks(part, ctx);
  }).join("");
}
