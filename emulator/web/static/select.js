// Discord-like select menus: a box showing the choice, opening a list of options with check marks.
// One choice: picking an option applies it. Several: tick them, and closing the list (click outside, Esc,
// or the box again) applies them. In a modal, the values are read when the form is submitted.

import { escapeHtml } from "./markdown.js";
import { t } from "./i18n.js";

// options: [{value, label, description, selected}]; attrs: extra data-* attributes (already escaped HTML).
export function selectMenu({ options, min = 1, max = 1, placeholder = "", disabled = false, attrs = "", kind = "message" }) {
  const multiple = max > 1;
  const items = options.map((o) =>
    `<div class="dselect-option" role="option" tabindex="-1" data-value="${escapeHtml(o.value)}" data-label="${escapeHtml(o.label)}" aria-selected="${o.selected ? "true" : "false"}">` +
    `<span class="dselect-check" aria-hidden="true"></span><span class="dselect-text"><span class="dselect-label">${escapeHtml(o.label)}</span>` +
    (o.description ? `<span class="dselect-desc">${escapeHtml(o.description)}</span>` : "") + `</span></div>`).join("");
  const hint = multiple ? `<div class="dselect-hint">${escapeHtml(min > 0 ? t("chooseRange", { min, max }) : t("chooseUpTo", { max }))}</div>` : "";
  return `<div class="dselect${multiple ? " multiple" : ""}" data-kind="${kind}" data-min="${min}" data-max="${max}" data-placeholder="${escapeHtml(placeholder || t("makeSelection"))}" ${attrs}>` +
    `<button type="button" class="dselect-box" aria-haspopup="listbox" aria-expanded="false"${disabled ? " disabled" : ""}>` +
    `<span class="dselect-value"></span><span class="dselect-caret" aria-hidden="true">▾</span></button>` +
    `<div class="dselect-list" role="listbox"${multiple ? ' aria-multiselectable="true"' : ""} hidden>${hint}${items}</div></div>`;
}

export function selectedValues(menu) {
  return [...menu.querySelectorAll('.dselect-option[aria-selected="true"]')].map((o) => o.dataset.value);
}

// Show the chosen labels (or the placeholder) in every menu under root.
export function refreshMenus(root) {
  for (const menu of root.querySelectorAll(".dselect")) showValue(menu);
}

function showValue(menu) {
  const chosen = [...menu.querySelectorAll('.dselect-option[aria-selected="true"]')].map((o) => o.dataset.label);
  const value = menu.querySelector(".dselect-value");
  value.textContent = chosen.length ? chosen.join(", ") : menu.dataset.placeholder;
  value.classList.toggle("placeholder", !chosen.length);
}

function open(menu) {
  for (const other of document.querySelectorAll(".dselect.open")) if (other !== menu) close(other);
  menu.classList.add("open");
  menu.dataset.before = JSON.stringify(selectedValues(menu));
  menu.querySelector(".dselect-list").hidden = false;
  menu.querySelector(".dselect-box").setAttribute("aria-expanded", "true");
  const list = menu.querySelector(".dselect-list");
  const rect = menu.getBoundingClientRect();
  list.classList.toggle("above", rect.bottom + 260 > window.innerHeight && rect.top > 260);
}

// Close the list; the onApply callback runs when a message's menu changed to a valid choice.
function close(menu, onApply) {
  if (!menu.classList.contains("open")) return;
  menu.classList.remove("open");
  menu.querySelector(".dselect-list").hidden = true;
  menu.querySelector(".dselect-box").setAttribute("aria-expanded", "false");
  const values = selectedValues(menu);
  const changed = JSON.stringify(values) !== menu.dataset.before;
  if (changed && menu.dataset.kind === "message" && onApply) onApply(menu, values);
}

function toggle(menu, option, onApply) {
  const max = Number(menu.dataset.max);
  if (max <= 1) {
    for (const o of menu.querySelectorAll(".dselect-option")) o.setAttribute("aria-selected", String(o === option));
    showValue(menu);
    close(menu, onApply);
    return;
  }
  const on = option.getAttribute("aria-selected") === "true";
  if (!on && selectedValues(menu).length >= max) {
    menu.querySelector(".dselect-hint")?.classList.add("strained");
    return;
  }
  option.setAttribute("aria-selected", String(!on));
  menu.querySelector(".dselect-hint")?.classList.remove("strained");
  showValue(menu);
}

// One set of listeners for every menu on the page (messages and modals).
export function wireSelects(onApply) {
  document.addEventListener("click", (event) => {
    const menu = event.target.closest(".dselect");
    for (const other of document.querySelectorAll(".dselect.open")) if (other !== menu) close(other, onApply);
    if (!menu) return;
    const option = event.target.closest(".dselect-option");
    if (option) toggle(menu, option, onApply);
    else if (event.target.closest(".dselect-box")) {
      if (menu.classList.contains("open")) close(menu, onApply);
      else open(menu);
    }
  });
  document.addEventListener("keydown", (event) => {
    const menu = event.target.closest?.(".dselect");
    if (!menu || !menu.classList.contains("open")) return;
    const options = [...menu.querySelectorAll(".dselect-option")];
    const at = options.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(menu, onApply);
      menu.querySelector(".dselect-box").focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (at + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options[next]?.focus();
    } else if ((event.key === "Enter" || event.key === " ") && at >= 0) {
      event.preventDefault();
      toggle(menu, options[at], onApply);
    }
  }, true);
}

// Restore what the menu showed before a failed apply (e.g. too few chosen).
export function revert(menu) {
  const before = JSON.parse(menu.dataset.before || "[]");
  for (const o of menu.querySelectorAll(".dselect-option")) o.setAttribute("aria-selected", String(before.includes(o.dataset.value)));
  showValue(menu);
}
