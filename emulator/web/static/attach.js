// Files to post with the next message: the + button, or dropped anywhere on the chat. Shown above the message
// box until sent (Enter or Send); the server stores them as the message's attachments.

import { escapeHtml } from "./markdown.js";
import { t } from "./i18n.js";

const MAX_FILES = 10;
const MAX_BYTES = 8 * 1024 * 1024;

export class PendingFiles {
  constructor({ button, input, list, dropZone, overlay, overlayText, toast, channelName }) {
    Object.assign(this, { button, input, list, dropZone, overlay, overlayText, toast, channelName });
    this.pending = [];
    this.depth = 0;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => { this.add([...input.files]); input.value = ""; });
    list.addEventListener("click", (event) => {
      const remove = event.target.closest("[data-remove]");
      if (remove) { this.pending.splice(Number(remove.dataset.remove), 1); this.render(); }
    });
    dropZone.addEventListener("dragenter", (event) => this.onDrag(event, 1));
    dropZone.addEventListener("dragleave", (event) => this.onDrag(event, -1));
    dropZone.addEventListener("dragover", (event) => { if (carriesFiles(event)) event.preventDefault(); });
    dropZone.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      this.depth = 0;
      this.overlay.hidden = true;
      this.add([...event.dataTransfer.files]);
    });
  }

  onDrag(event, step) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.depth = Math.max(0, this.depth + step);
    this.overlayText.textContent = t("dropHere", { channel: this.channelName() });
    this.overlay.hidden = this.depth === 0;
  }

  add(files) {
    const all = [...this.pending, ...files];
    if (all.length > MAX_FILES) { this.toast(t("tooManyFiles", { count: MAX_FILES })); return; }
    if (all.reduce((sum, f) => sum + f.size, 0) > MAX_BYTES) { this.toast(t("filesTooLarge", { mb: MAX_BYTES / 1024 / 1024 })); return; }
    this.pending = all;
    this.render();
  }

  clear() {
    this.pending = [];
    this.render();
  }

  render() {
    this.list.hidden = !this.pending.length;
    this.list.innerHTML = this.pending.map((file, i) =>
      `<li class="pending-file" data-filename="${escapeHtml(file.name)}"><span class="pending-name">${escapeHtml(file.name)}</span>` +
      `<span class="size">${Math.ceil(file.size / 1024)} KB</span>` +
      `<button type="button" class="pending-remove" data-remove="${i}" title="${escapeHtml(t("remove"))}" aria-label="${escapeHtml(t("remove"))} ${escapeHtml(file.name)}">✕</button></li>`).join("");
  }
}

function carriesFiles(event) {
  return [...(event.dataTransfer?.types || [])].includes("Files");
}
