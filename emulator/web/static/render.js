// Render Discord message objects (content, embeds, attachments, components) as escaped HTML.

import { escapeHtml, markdown } from "./markdown.js";
import { t } from "./i18n.js";
import { selectMenu } from "./select.js";

const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium" };
const AVATAR_COLOURS = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#9b59b6", "#1abc9c"];

export function avatarColour(id) {
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length];
}

function colourHex(value) {
  return value == null ? "#4e5058" : "#" + Number(value).toString(16).padStart(6, "0");
}

function clockTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString(document.documentElement.lang === "ja" ? "ja-JP" : "en-US", { hour: "2-digit", minute: "2-digit" });
}

function safeLink(url) {
  return /^https?:\/\//i.test(url || "") ? escapeHtml(url) : null;
}

function image(url, alt, cls) {
  return url ? `<img class="${cls}" src="${escapeHtml(url)}" alt="${escapeHtml(alt || "")}" loading="lazy">` : "";
}

function blockedImage(part) {
  return part?.blocked_url ? `<div class="blocked-image">${escapeHtml(t("blocked", { url: part.blocked_url }))}</div>` : "";
}

export function renderEmbed(embed, ctx) {
  const parts = [];
  if (embed.author?.name) {
    const link = safeLink(embed.author.url);
    const name = escapeHtml(embed.author.name);
    parts.push(`<div class="embed-author">${image(embed.author.icon_url, "", "embed-author-icon")}${link ? `<a href="${link}" target="_blank" rel="noopener noreferrer">${name}</a>` : name}</div>`);
  }
  if (embed.title) {
    const link = safeLink(embed.url);
    const title = markdown(embed.title, ctx);
    parts.push(`<div class="embed-title">${link ? `<a href="${link}" target="_blank" rel="noopener noreferrer">${title}</a>` : title}</div>`);
  }
  if (embed.description) parts.push(`<div class="embed-description">${markdown(embed.description, ctx)}</div>`);
  if (embed.fields?.length) {
    const fields = embed.fields.map((f) =>
      `<div class="embed-field${f.inline ? " inline" : ""}"><div class="embed-field-name">${markdown(f.name, ctx)}</div><div class="embed-field-value">${markdown(f.value, ctx)}</div></div>`);
    parts.push(`<div class="embed-fields">${fields.join("")}</div>`);
  }
  if (embed.image?.url) parts.push(image(embed.image.url, "embed image", "embed-image"));
  parts.push(blockedImage(embed.image));
  const footer = [];
  if (embed.footer?.text) footer.push(escapeHtml(embed.footer.text));
  if (embed.timestamp) footer.push(escapeHtml(new Date(embed.timestamp).toLocaleString()));
  if (footer.length) parts.push(`<div class="embed-footer">${image(embed.footer?.icon_url, "", "embed-footer-icon")}${footer.join(" • ")}</div>`);
  const thumb = embed.thumbnail?.url ? image(embed.thumbnail.url, "thumbnail", "embed-thumbnail") : "";
  return `<div class="embed" data-colour="${colourHex(embed.color)}"><div class="embed-body">${parts.join("")}</div>${thumb}</div>`;
}

function renderAttachment(att) {
  const url = escapeHtml(att.url);
  if ((att.content_type || "").startsWith("image/")) {
    return `<a class="attachment-image" href="${url}" target="_blank" rel="noopener" data-filename="${escapeHtml(att.filename)}"><img src="${url}" alt="${escapeHtml(att.filename)}" loading="lazy"></a>`;
  }
  return `<a class="attachment-file" href="${url}" download data-filename="${escapeHtml(att.filename)}"><span class="file-icon" aria-hidden="true"></span>${escapeHtml(att.filename)} <span class="size">${Math.ceil((att.size || 0) / 1024)} KB</span></a>`;
}

function emoji(e) {
  return e?.name && !e.id ? `<span class="emoji">${escapeHtml(e.name)}</span>` : "";
}

function renderButton(c, messageId) {
  const style = BUTTON_STYLES[c.style] || "secondary";
  const label = `${emoji(c.emoji)}${escapeHtml(c.label || "")}`;
  if (c.style === 5) {
    const link = safeLink(c.url);
    return `<a class="component-button link" ${link ? `href="${link}"` : ""} target="_blank" rel="noopener noreferrer">${label} ↗</a>`;
  }
  return `<button type="button" class="component-button ${style}" data-action="click" data-message="${escapeHtml(messageId)}" data-custom-id="${escapeHtml(c.custom_id)}"${c.disabled ? " disabled" : ""}>${label}</button>`;
}

function selectOptions(c, ctx) {
  if (c.type === 3) return (c.options || []).map((o) => ({ value: o.value, label: o.label, description: o.description, selected: o.default }));
  const users = Object.entries(ctx.members || {}).map(([id, name]) => ({ value: id, label: "@" + name }));
  const roles = Object.entries(ctx.roles || {}).filter(([, n]) => n !== "@everyone").map(([id, name]) => ({ value: id, label: "@" + name }));
  const channels = Object.entries(ctx.channels || {}).map(([id, name]) => ({ value: id, label: "#" + name }));
  return { 5: users, 6: roles, 7: [...users, ...roles], 8: channels }[c.type] || [];
}

function renderSelect(c, messageId, ctx) {
  const attrs = `data-message="${escapeHtml(messageId)}" data-custom-id="${escapeHtml(c.custom_id)}"`;
  return selectMenu({
    options: selectOptions(c, ctx), min: c.min_values ?? 1, max: c.max_values ?? 1,
    placeholder: c.placeholder, disabled: c.disabled, attrs,
  });
}

function renderComponent(c, messageId, ctx) {
  switch (c.type) {
    case 1: return `<div class="component-row">${(c.components || []).map((x) => renderComponent(x, messageId, ctx)).join("")}</div>`;
    case 2: return renderButton(c, messageId);
    case 3: case 5: case 6: case 7: case 8: return renderSelect(c, messageId, ctx);
    case 10: return `<div class="text-display">${markdown(c.content, ctx)}</div>`;
    case 14: return `<hr class="separator">`;
    case 9: return `<div class="section">${(c.components || []).map((x) => renderComponent(x, messageId, ctx)).join("")}${c.accessory ? renderComponent(c.accessory, messageId, ctx) : ""}</div>`;
    case 17: return `<div class="container" data-colour="${colourHex(c.accent_color)}">${(c.components || []).map((x) => renderComponent(x, messageId, ctx)).join("")}</div>`;
    default: return "";
  }
}

// The page's CSP forbids inline style attributes: colours travel as data-colour and are applied here.
export function applyColours(root) {
  for (const el of root.querySelectorAll("[data-colour]")) {
    el.style.setProperty("--embed-colour", el.dataset.colour);
    if (el.classList.contains("avatar")) el.style.backgroundColor = el.dataset.colour;
  }
}

export function renderMessage(msg, ctx) {
  const author = msg.author || {};
  const name = escapeHtml(author.global_name || author.username || "unknown");
  const command = msg.command && (ctx.displays?.[msg.command.slice(1)] ? `/${ctx.displays[msg.command.slice(1)]}` : msg.command);
  const used = command && msg.interaction_metadata?.user
    ? `<div class="used-command">↱ ${t("used", { user: `<span class="used-by">${escapeHtml(msg.interaction_metadata.user.username)}</span>`, command: `<span class="command-mention">${escapeHtml(command)}</span>` })}</div>`
    : "";
  const body = [];
  if (msg.loading) body.push(`<div class="thinking">${escapeHtml(t("thinking", { name: author.global_name || author.username || "" }))}</div>`);
  if (msg.content) body.push(`<div class="content">${markdown(msg.content, ctx)}</div>`);
  for (const embed of msg.embeds || []) body.push(renderEmbed(embed, ctx));
  const files = (msg.attachments || []).filter((a) => !a.in_embed);
  if (files.length) body.push(`<div class="attachments">${files.map(renderAttachment).join("")}</div>`);
  if (msg.components?.length) body.push(`<div class="components">${msg.components.map((c) => renderComponent(c, msg.id, ctx)).join("")}</div>`);
  if (msg.visible_to) {
    body.push(`<div class="ephemeral-footer"><span class="ephemeral-note">${escapeHtml(t("onlyYou"))}</span> • ` +
      `<button type="button" class="dismiss" data-action="dismiss" data-message="${escapeHtml(msg.id)}">${escapeHtml(t("dismiss"))}</button></div>`);
  }
  const edited = msg.edited_timestamp && !msg.loading ? ` <span class="edited">${escapeHtml(t("edited"))}</span>` : "";
  const bot = author.bot ? `<span class="bot-tag">APP</span>` : "";
  return `${used}<div class="message-main"><div class="avatar" data-colour="${avatarColour(author.id)}">${escapeHtml((author.username || "?").slice(0, 1).toUpperCase())}</div>` +
    `<div class="message-body"><div class="message-head"><span class="author">${name}</span>${bot}<span class="time">${escapeHtml(clockTime(msg.timestamp))}</span>${edited}` +
    `<button type="button" class="message-apps" data-action="apps" data-message="${escapeHtml(msg.id)}" title="${escapeHtml(t("apps"))}" aria-label="${escapeHtml(t("apps"))}">⋯</button></div>${body.join("")}</div></div>`;
}

// ----- modals -----------------------------------------------------------------------------------
function modalField(c, label, description) {
  const id = escapeHtml(c.custom_id);
  const head = `<label class="modal-label" for="modal-${id}">${escapeHtml(label || c.label || "")}${c.required !== false ? ' <span class="required">*</span>' : ""}</label>${description ? `<div class="modal-description">${escapeHtml(description)}</div>` : ""}`;
  if (c.type === 4) {
    const attrs = `id="modal-${id}" name="${id}" data-kind="text"${c.placeholder ? ` placeholder="${escapeHtml(c.placeholder)}"` : ""}${c.max_length ? ` maxlength="${c.max_length}"` : ""}${c.min_length ? ` minlength="${c.min_length}"` : ""}${c.required !== false ? " required" : ""}`;
    const input = c.style === 2 ? `<textarea ${attrs} rows="4">${escapeHtml(c.value || "")}</textarea>` : `<input ${attrs} value="${escapeHtml(c.value || "")}">`;
    return `<div class="modal-field">${head}${input}</div>`;
  }
  if ([3, 5, 6, 7, 8].includes(c.type)) {
    const options = (c.options || []).map((o) => ({ value: o.value, label: o.label, description: o.description, selected: o.default }));
    const menu = selectMenu({
      options, min: c.min_values ?? (c.required === false ? 0 : 1), max: c.max_values ?? 1,
      placeholder: c.placeholder, kind: "form", attrs: `id="modal-${id}" data-name="${id}"`,
    });
    return `<div class="modal-field">${head}${menu}</div>`;
  }
  return "";
}

function modalComponent(c, ctx) {
  if (c.type === 1) return (c.components || []).map((x) => modalField(x)).join("");
  if (c.type === 18) return modalField(c.component || {}, c.label, c.description);
  if (c.type === 10) return `<div class="text-display">${markdown(c.content, ctx)}</div>`;
  return "";
}

export function renderModal(modal, ctx) {
  return `<h2 class="modal-title">${escapeHtml(modal.title)}</h2><div class="modal-fields">${(modal.components || []).map((c) => modalComponent(c, ctx)).join("")}</div>` +
    `<div class="modal-actions"><button type="button" value="cancel" class="component-button secondary" data-action="modal-cancel">${escapeHtml(t("cancel"))}</button><button type="submit" value="submit" class="component-button primary" id="modal-submit">${escapeHtml(t("submit"))}</button></div>`;
}
