// The message box: plain messages, the `/` command menu, option fields with autocomplete, and sending.

import { escapeHtml } from "./markdown.js";
import { permissionName, t } from "./i18n.js";

const MAX_LISTED = 200;
const AUTOCOMPLETE_ROOM = 320; // px: the tallest the suggestion list grows above the message box

// What is typed after `/`, as the menu compares it with command names.
function typedQuery(text) {
  return text.slice(1).trim().toLowerCase().replace(/\s+/g, " ");
}

// The typed text names this command completely (its path, or its name in the page's language).
function namesCommand(command, query) {
  return Boolean(command) && (command.path === query || command.display.toLowerCase() === query);
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({
      filename: file.name, content_type: file.type || "application/octet-stream",
      data: String(reader.result).split(",", 2)[1] || "",
    });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export class Composer {
  constructor(deps) {
    Object.assign(this, deps);
    this.commands = [];
    this.matches = [];
    this.highlight = 0;
    this.command = null;
    this.timers = new Map();
    this.asked = new Map(); // option name -> number of its latest autocomplete request (older answers are dropped)
    this.requests = 0;
    this.input.addEventListener("input", () => this.onInput());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.root.addEventListener("submit", (event) => { event.preventDefault(); this.send(); });
    this.popup.addEventListener("mousedown", (event) => {
      const item = event.target.closest(".command-item");
      if (item) { event.preventDefault(); this.choose(this.commands.find((c) => c.path === item.dataset.path)); }
    });
    this.form.querySelector("#command-cancel").addEventListener("click", () => this.reset());
    this.options.addEventListener("input", (event) => this.onOptionInput(event));
    this.options.addEventListener("keydown", (event) => this.onOptionKey(event));
    this.options.addEventListener("mousedown", (event) => {
      const item = event.target.closest(".autocomplete-item");
      if (item) { event.preventDefault(); this.pickSuggestion(item); }
    });
    // Discord's client asks for suggestions as soon as an autocomplete option is focused, before any typing
    this.options.addEventListener("focusin", (event) => {
      const field = event.target.closest(".option-field.has-autocomplete");
      if (!field || !event.target.matches("input")) return;
      clearTimeout(this.timers.get(field.dataset.name));
      this.suggest(field);
    });
    this.options.addEventListener("focusout", (event) => {
      const field = event.target.closest(".option-field");
      if (field) setTimeout(() => { if (!field.contains(document.activeElement)) this.hideSuggestions(field); }, 150);
    });
  }

  // The commands the acting member sees here (the server hides the others, as Discord's client does).
  setCommands(commands) {
    this.commands = commands;
    if (!this.command) return;
    const still = commands.find((c) => c.path === this.command.path);
    if (still) this.command = still;
    else this.reset();
  }

  // A command mention was clicked: open that command, as Discord's client does, if this member has it here.
  chooseByPath(path, shown = `/${path}`) {
    const command = this.commands.find((c) => c.path === path);
    if (!command) { this.toast(t("hiddenCommand", { command: shown })); return; }
    this.choose(command);
  }

  placeholder() {
    const place = this.place();
    return place.dm ? t("messageDm", { name: place.name }) : t("messageIn", { channel: place.name });
  }

  // The permissions Discord's client asks of a member before it lists the command (default_member_permissions),
  // named as Discord's role settings name them; commands anyone may see get no badge.
  badge(command) {
    const names = (command.permissions || []).map(permissionName);
    if (!names.length) return "";
    const shown = names.join(", ");
    return `<span class="badge" title="${escapeHtml(t("permBadgeTitle", { permissions: shown }))}">${escapeHtml(shown)}</span>`;
  }

  // ----- choosing a command -----------------------------------------------------------------------
  onInput() {
    const text = this.input.value;
    if (!text.startsWith("/")) { this.popup.hidden = true; return; }
    const query = typedQuery(text);
    // a subcommand is found by its own name too (`/lookup`, `/照会`), in English and in the page's language
    const found = this.commands.filter((c) => {
      const shown = c.display.toLowerCase();
      return c.path.startsWith(query) || shown.startsWith(query) || (query && (c.path.includes(query) || shown.includes(query)));
    });
    // the command the text names completely comes first, so Enter runs it
    this.matches = [...found.filter((c) => namesCommand(c, query)), ...found.filter((c) => !namesCommand(c, query))].slice(0, MAX_LISTED);
    this.highlight = 0;
    this.renderPopup();
  }

  renderPopup() {
    if (!this.matches.length) {
      this.popup.innerHTML = `<div class="popup-empty">${escapeHtml(t("noMatch"))}</div>`;
      this.popup.hidden = false;
      return;
    }
    this.popup.innerHTML = `<div class="popup-heading">${escapeHtml(t("commandsHeading"))}</div>` + this.matches.map((c, i) => {
      const opts = c.options.map((o) => `<span class="opt${o.required ? " required" : ""}">${escapeHtml(o.display)}</span>`).join("");
      const lock = this.badge(c);
      return `<div class="command-item${i === this.highlight ? " highlighted" : ""}" data-path="${escapeHtml(c.path)}" role="option">` +
        `<div class="command-line"><span class="command-name">/${escapeHtml(c.display)}</span>${opts}${lock}</div>` +
        `<div class="command-desc">${escapeHtml(c.description)}</div></div>`;
    }).join("");
    this.popup.hidden = false;
    this.popup.querySelector(".highlighted")?.scrollIntoView({ block: "nearest" });
  }

  onKey(event) {
    if (!this.popup.hidden && this.matches.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        this.highlight = (this.highlight + step + this.matches.length) % this.matches.length;
        this.renderPopup();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        // As Discord's client: Enter runs a command only when the text names that one command completely;
        // a group (`/privacy`) or part of a name puts the highlighted command in the box, to check and send
        const picked = this.matches[this.highlight];
        this.choose(picked, event.key === "Enter" && namesCommand(picked, typedQuery(this.input.value)));
        return;
      }
    }
    if (event.key !== "Escape") return;
    event.preventDefault();
    if (!this.popup.hidden) this.popup.hidden = true; // first Esc: only the suggestion list closes
    else this.reset();
  }

  choose(command, runIfSimple = false) {
    if (!command) return;
    this.popup.hidden = true;
    this.command = command;
    if (runIfSimple && !command.options.length) { this.send(); return; }
    this.renderForm();
  }

  renderForm() {
    const c = this.command;
    this.form.hidden = false;
    this.root.classList.add("has-command");
    this.form.querySelector("#command-pill").textContent = `/${c.display}`;
    this.form.querySelector("#command-badge").innerHTML = this.badge(c);
    this.form.querySelector("#command-description").textContent = c.description;
    this.input.value = "";
    this.input.placeholder = t(c.options.length ? "fillOptions" : "pressEnter");
    this.options.innerHTML = c.options.map((o) => this.fieldHtml(o)).join("") || `<div class="no-options">${escapeHtml(t("noOptions"))}</div>`;
    (this.options.querySelector("input, select") || this.input).focus();
  }

  fieldHtml(o) {
    const id = `opt-${o.name}`;
    const label = `<label for="${id}"><span class="opt-name">${escapeHtml(o.display)}</span>${o.required ? '<span class="required">*</span>' : ""}<span class="opt-type">${escapeHtml(t("types")[o.type] || "")}</span></label>`;
    const title = escapeHtml(o.description || "");
    const ctx = this.page.meta;
    let control;
    const choice = (value, text) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`;
    const empty = `<option value="">${escapeHtml(t(o.required ? "chooseOne" : "none"))}</option>`;
    if (o.choices?.length) control = `<select id="${id}">${empty}${o.choices.map((x) => choice(x.value, x.name)).join("")}</select>`;
    else if (o.type === 5) control = `<select id="${id}">${empty}${choice("true", t("yes"))}${choice("false", t("no"))}</select>`;
    else if (o.type === 6 || o.type === 9) {
      const users = ctx.users.map((u) => choice(u.id, "@" + u.name));
      const roles = o.type === 9 ? Object.entries(ctx.roles).filter(([, n]) => n !== "@everyone").map(([rid, n]) => choice(rid, "@" + n)) : [];
      control = `<select id="${id}">${empty}${users.join("")}${roles.join("")}</select>`;
    } else if (o.type === 8) control = `<select id="${id}">${empty}${Object.entries(ctx.roles).filter(([, n]) => n !== "@everyone").map(([rid, n]) => choice(rid, "@" + n)).join("")}</select>`;
    else if (o.type === 7) control = `<select id="${id}">${empty}${ctx.channels.map((ch) => choice(ch.id, "#" + ch.name)).join("")}</select>`;
    else if (o.type === 11) control = `<input id="${id}" type="file">`;
    else {
      const kind = o.type === 4 || o.type === 10 ? ` inputmode="decimal"` : "";
      const max = o.max_length ? ` maxlength="${o.max_length}"` : "";
      control = `<input id="${id}"${kind}${max} placeholder="${title}" autocomplete="off">`;
    }
    const suggestions = o.autocomplete ? `<div class="autocomplete popup" hidden></div>` : "";
    return `<div class="option-field${o.autocomplete ? " has-autocomplete" : ""}" data-name="${escapeHtml(o.name)}" title="${title}">${label}${control}${suggestions}</div>`;
  }

  // ----- autocomplete -----------------------------------------------------------------------------
  onOptionInput(event) {
    const field = event.target.closest(".option-field");
    if (!field) return;
    delete event.target.dataset.value;
    if (!field.classList.contains("has-autocomplete")) return;
    clearTimeout(this.timers.get(field.dataset.name));
    this.timers.set(field.dataset.name, setTimeout(() => this.suggest(field), 150));
  }

  async suggest(field) {
    const input = field.querySelector("input");
    const name = field.dataset.name;
    const asked = ++this.requests;
    this.asked.set(name, asked);
    const options = this.rawValues();
    options[name] = input.value;
    let choices = [];
    try {
      const data = await this.api("/api/autocomplete", {
        path: this.command.path, options, focused: name,
        user: this.page.user, channel: this.page.channel, locale: this.page.locale,
      });
      choices = data.choices;
    } catch (error) {
      choices = [];
    }
    // only the answer to the latest request, for a field still focused, is shown
    if (this.asked.get(name) !== asked || !field.isConnected || document.activeElement !== input) return;
    const box = field.querySelector(".autocomplete");
    box.innerHTML = choices.length
      ? choices.map((c, i) => `<div class="autocomplete-item${i === 0 ? " highlighted" : ""}" data-value="${escapeHtml(String(c.value))}" data-name="${escapeHtml(c.name)}">${escapeHtml(c.name)}</div>`).join("")
      : `<div class="popup-empty">${escapeHtml(t("noSuggestions"))}</div>`;
    this.placeSuggestions(box);
    box.hidden = false;
  }

  // Like the `/` menu, the list opens above the whole message box, never over the command's name and its ✕;
  // it is only as tall as the room above the message box allows.
  placeSuggestions(box) {
    const top = this.root.getBoundingClientRect().top;
    const messages = this.root.previousElementSibling?.getBoundingClientRect().top ?? 0;
    const room = Math.floor(top - messages - 16);
    box.style.maxHeight = `${Math.max(96, Math.min(AUTOCOMPLETE_ROOM, room))}px`;
  }

  pickSuggestion(item) {
    const field = item.closest(".option-field");
    const input = field.querySelector("input");
    input.value = item.dataset.name;
    input.dataset.value = item.dataset.value;
    this.hideSuggestions(field);
    input.focus();
  }

  hideSuggestions(field) {
    const box = field.querySelector(".autocomplete");
    if (box) box.hidden = true;
  }

  onOptionKey(event) {
    const field = event.target.closest(".option-field");
    const box = field?.querySelector(".autocomplete");
    const items = box && !box.hidden ? [...box.querySelectorAll(".autocomplete-item")] : [];
    if (items.length && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const at = items.findIndex((i) => i.classList.contains("highlighted"));
      const next = (at + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach((i, n) => i.classList.toggle("highlighted", n === next));
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      const picked = items.find((i) => i.classList.contains("highlighted"));
      if (picked) this.pickSuggestion(picked);
      else this.send();
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (box && !box.hidden) this.hideSuggestions(field); // first Esc: only the suggestion list closes
      else this.reset();
    }
  }

  // ----- sending ------------------------------------------------------------------------------------
  rawValues() {
    const values = {};
    for (const field of this.options.querySelectorAll(".option-field")) {
      const control = field.querySelector("input, select");
      if (control.type === "file") continue;
      const value = control.dataset.value ?? control.value;
      if (value !== "") values[field.dataset.name] = value;
    }
    return values;
  }

  async send() {
    if (!this.command) {
      const text = this.input.value.trim();
      const files = this.files.pending;
      if (!text && !files.length) return;
      if (text.startsWith("/") && !files.length) { this.onInput(); return; }
      try {
        const attachments = await Promise.all(files.map(readFile));
        await this.api("/api/message", { user: this.page.user, channel: this.page.channel, content: text, attachments });
        this.input.value = "";
        this.files.clear();
      } catch (error) {
        this.toast(error.message);
      }
      return;
    }
    const values = this.rawValues();
    for (const field of this.options.querySelectorAll(".option-field")) {
      const file = field.querySelector("input[type=file]")?.files?.[0];
      if (file) values[field.dataset.name] = await readFile(file);
    }
    const missing = this.command.options.filter((o) => o.required && !(o.name in values)).map((o) => o.display);
    if (missing.length) { this.toast(t("fillIn", { names: missing.join(", ") })); return; }
    const command = this.command;
    try {
      const outcome = await this.api("/api/command", {
        path: command.path, options: values, user: this.page.user, channel: this.page.channel, locale: this.page.locale,
      });
      this.reset();
      this.handleOutcome(outcome);
    } catch (error) {
      this.toast(error.message);
    }
  }

  reset() {
    this.command = null;
    this.popup.hidden = true;
    this.form.hidden = true;
    this.root.classList.remove("has-command");
    this.options.innerHTML = "";
    this.input.value = "";
    this.input.placeholder = this.placeholder();
    this.input.focus();
  }
}
