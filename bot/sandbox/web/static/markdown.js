// Discord-flavoured markdown to HTML. Everything is escaped first; only known, safe tags are added back.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function formatTimestamp(unix, style, now = Date.now()) {
  const date = new Date(Number(unix) * 1000);
  if (style === "R") {
    const seconds = Math.round((date.getTime() - now) / 1000);
    const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
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
  return date.toLocaleString(undefined, options);
}

// ctx: { users: {id: name}, roles: {id: name}, channels: {id: name} }
function inlineRich(escaped, ctx) {
  const saved = [];
  const keep = (html) => `\u0000${saved.push(html) - 1}\u0000`;
  let s = escaped.replace(/\\(&lt;|&gt;|&amp;|&quot;|&#39;|[\\*_~`|[\]()#>:.!-])/g, (_, ch) => keep(ch));
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_, label, url) =>
    keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`));
  s = s.replace(/https?:\/\/[^\s<\u0000]+[^\s<.,;:!?)\u0000]/g, (url) =>
    keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`));
  s = s.replace(/&lt;@!?(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(ctx.users?.[id] ?? "unknown-user")}</span>`));
  s = s.replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(ctx.roles?.[id] ?? "unknown-role")}</span>`));
  s = s.replace(/&lt;#(\d+)&gt;/g, (_, id) => keep(`<span class="mention">#${escapeHtml(ctx.channels?.[id] ?? "unknown")}</span>`));
  s = s.replace(/&lt;\/([^:&\n]+):\d+&gt;/g, (_, name) => keep(`<span class="mention command-mention">/${name}</span>`));
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
