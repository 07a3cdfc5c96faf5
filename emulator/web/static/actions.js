// Acting on messages: buttons, select menus, the Apps (message command) menu, modals, links and mentions.

import { $, api, context, page, toast } from "./core.js";
import { escapeHtml } from "./markdown.js";
import { t } from "./i18n.js";
import { renderModal } from "./render.js";
import { refreshMenus, revert, selectedValues, wireSelects } from "./select.js";

// Set by app.js: jump to a channel (and message), open a command in the composer, dismiss an ephemeral message.
export const hooks = { jump: null, chooseCommand: null, dismiss: null };

// Answer from /api/command, /api/click ... : open a modal or report that the bot did not answer.
export function handleOutcome(outcome) {
  if (outcome.modal) openModal(outcome);
  else if (!outcome.answered) toast(outcome.error || t("noResponse"));
}

export async function interact(path, body) {
  try {
    handleOutcome(await api(path, { user: page.user, locale: page.locale, ...body }));
  } catch (error) {
    toast(error.message);
  }
}

function applySelect(menu, values) {
  const min = Number(menu.dataset.min), max = Number(menu.dataset.max);
  if (values.length < min || values.length > max) {
    toast(t("chooseBetween", { min, max }));
    revert(menu);
    return;
  }
  interact("/api/select", { message_id: menu.dataset.message, custom_id: menu.dataset.customId, values });
}

function onMessagesClick(event) {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  if (action === "click") {
    interact("/api/click", { message_id: target.dataset.message, custom_id: target.dataset.customId });
  } else if (action === "apps") {
    openAppsMenu(target);
  } else if (action === "jump") {
    event.preventDefault();
    hooks.jump(target.dataset.guild, target.dataset.channel, target.dataset.message);
  } else if (action === "command") {
    hooks.chooseCommand(target.dataset.path, target.textContent);
  } else if (action === "dismiss") {
    hooks.dismiss(target.dataset.message);
  }
}

function openAppsMenu(button) {
  const menu = $("#menu");
  const names = page.meta.message_menus || [];
  const shown = page.meta.message_menu_names || {};
  menu.innerHTML = `<div class="menu-heading">${escapeHtml(t("apps"))}</div>` + (names.length
    ? names.map((n) => `<button type="button" class="menu-item" data-name="${escapeHtml(n)}">${escapeHtml(shown[n] || n)}</button>`).join("")
    : `<div class="menu-empty">${escapeHtml(t("noMenus"))}</div>`);
  const rect = button.getBoundingClientRect();
  menu.style.top = `${Math.min(rect.bottom + 4, window.innerHeight - 120)}px`;
  menu.style.left = `${Math.max(8, Math.min(rect.right - 240, window.innerWidth - 248))}px`;
  menu.dataset.message = button.dataset.message;
  menu.hidden = false;
}

function openModal(outcome) {
  page.openModal = outcome;
  const dialog = $("#modal");
  $("#modal-form").innerHTML = renderModal(outcome.modal, context());
  refreshMenus(dialog);
  dialog.showModal();
  dialog.querySelector("input, textarea, .dselect-box")?.focus();
}

async function submitModal(event) {
  event.preventDefault();
  const form = $("#modal-form");
  if (!form.reportValidity()) return;
  const values = {};
  for (const el of form.querySelectorAll("[name]")) values[el.name] = el.value;
  for (const menu of form.querySelectorAll(".dselect[data-name]")) {
    const chosen = selectedValues(menu);
    if (chosen.length < Number(menu.dataset.min)) {
      toast(t("chooseBetween", { min: menu.dataset.min, max: menu.dataset.max }));
      return;
    }
    values[menu.dataset.name] = chosen;
  }
  const opened = page.openModal;
  $("#modal").close();
  page.openModal = null;
  await interact("/api/modal", { interaction_id: opened.interaction_id, values });
}

export function wireActions() {
  $("#messages").addEventListener("click", onMessagesClick);
  wireSelects(applySelect);
  $("#menu").addEventListener("click", (event) => {
    const item = event.target.closest(".menu-item");
    if (!item) return;
    $("#menu").hidden = true;
    interact("/api/context", { name: item.dataset.name, message_id: $("#menu").dataset.message });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#menu, [data-action=apps]")) $("#menu").hidden = true;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("#menu").hidden) { event.preventDefault(); $("#menu").hidden = true; }
  });
  $("#modal-form").addEventListener("submit", submitModal);
  $("#modal-form").addEventListener("click", (event) => {
    if (event.target.closest("[data-action=modal-cancel]")) { $("#modal").close(); page.openModal = null; }
  });
}
