// The page's own words (its "chrome") in English and Japanese. The bot's replies come in the chosen language
// from the bot itself; this is only the page around them. Static text in index.html carries data-i18n keys.

const STRINGS = {
  en: {
    banner: "Local sandbox — an emulated Discord server on this machine, not connected to Discord. To go live, set <code>DISCORD_TOKEN</code> in <code>.env</code>.",
    server: "Server", channels: "Text channels", actingAs: "Acting as", language: "Language",
    whosWho: "Who's who",
    personasNote: "The moderator persona <b>mod</b> is also a curator (the bot's owner), so the whole review flow can be tried. <b>rin</b> moderates Second Server but is not a curator: act as rin to see where a server moderator's powers end.",
    liveUpdates: "live updates", menu: "Channels and persona", send: "Send", message: "Message",
    messageIn: "Message #{channel}  —  type / for commands", messageDm: "Message @{name}  —  type / for commands",
    directMessages: "Direct messages", dmStart: "This is the beginning of your direct message history with {name}.",
    hint: "Type <kbd>/</kbd> to see Haikei's commands, or drop an image here to post it.",
    attach: "Attach files", remove: "Remove", dropHere: "Drop files to post them in {channel}",
    cancelEsc: "Cancel (Esc)", moderator: "moderator", curator: "curator",
    used: "{user} used {command}", thinking: "{name} is thinking…", onlyYou: "Only you can see this",
    dismiss: "Dismiss message",
    edited: "(edited)", apps: "Apps", messageLink: "message", noMenus: "No message commands",
    blocked: "image not loaded (outside this machine): {url}",
    makeSelection: "Make a selection", chooseRange: "Choose {min}–{max}", chooseUpTo: "Choose up to {max}",
    chooseBetween: "Choose between {min} and {max} options",
    cancel: "Cancel", submit: "Submit", noResponse: "This interaction failed",
    startFailed: "The sandbox page could not start: {error}",
    commandsHeading: "Haikei commands", noMatch: "No matching commands",
    permBadgeTitle: "Discord lists this command only for members with {permissions}; Haikei also checks who may use it each time",
    permissions: {
      administrator: "Administrator", manage_guild: "Manage Server", manage_channels: "Manage Channels",
      manage_roles: "Manage Roles", manage_messages: "Manage Messages", manage_webhooks: "Manage Webhooks",
      kick_members: "Kick Members", ban_members: "Ban Members", view_audit_log: "View Audit Log",
    },
    fillOptions: "Fill in the options, then press Enter", pressEnter: "Press Enter to send",
    noOptions: "This command has no options.", chooseOne: "choose…", none: "(none)", yes: "True", no: "False",
    noSuggestions: "No suggestions", fillIn: "Fill in: {names}",
    hiddenCommand: "{command} is not available to you here",
    filesTooLarge: "Files up to {mb} MB in all", tooManyFiles: "At most {count} files",
    types: { 3: "text", 4: "whole number", 5: "true/false", 6: "user", 7: "channel", 8: "role", 9: "user or role", 10: "number", 11: "file" },
  },
  ja: {
    banner: "ローカルのサンドボックス — このマシン上のエミュレートされた Discord サーバーで、Discord には接続していません。本番で動かすには <code>.env</code> に <code>DISCORD_TOKEN</code> を設定してください。",
    server: "サーバー", channels: "テキストチャンネル", actingAs: "操作するユーザー", language: "言語",
    whosWho: "登場人物",
    personasNote: "モデレーターの <b>mod</b> はキュレーター（ボットのオーナー）でもあるので、審査の流れをすべて試せます。<b>rin</b> は Second Server のモデレーターですがキュレーターではありません。rin になって、サーバーのモデレーターにできることの範囲を確かめてください。",
    liveUpdates: "ライブ更新", menu: "チャンネルとユーザー", send: "送信", message: "メッセージ",
    messageIn: "#{channel} へメッセージを送信 — / でコマンド", messageDm: "@{name} へメッセージを送信 — / でコマンド",
    directMessages: "ダイレクトメッセージ", dmStart: "{name} とのダイレクトメッセージの始まりです。",
    hint: "<kbd>/</kbd> を入力すると Haikei のコマンドが表示されます。画像をここにドロップすると投稿できます。",
    attach: "ファイルを添付", remove: "削除", dropHere: "ドロップすると {channel} に投稿します",
    cancelEsc: "キャンセル (Esc)", moderator: "モデレーター", curator: "キュレーター",
    used: "{user} が {command} を使用しました", thinking: "{name} が考えています…", onlyYou: "これはあなただけに表示されています",
    dismiss: "メッセージを閉じる",
    edited: "(編集済)", apps: "アプリ", messageLink: "メッセージ", noMenus: "メッセージコマンドはありません",
    blocked: "画像は読み込みません（このマシンの外）: {url}",
    makeSelection: "選択してください", chooseRange: "{min}〜{max} 個選択", chooseUpTo: "最大 {max} 個選択",
    chooseBetween: "{min}〜{max} 個の項目を選んでください",
    cancel: "キャンセル", submit: "送信", noResponse: "インタラクションに失敗しました",
    startFailed: "サンドボックスのページを開始できませんでした: {error}",
    commandsHeading: "Haikei のコマンド", noMatch: "一致するコマンドはありません",
    permBadgeTitle: "Discord は「{permissions}」の権限を持つメンバーにだけこのコマンドを表示します。使えるかどうかは Haikei が毎回確認します",
    permissions: {
      administrator: "管理者", manage_guild: "サーバー管理", manage_channels: "チャンネルの管理",
      manage_roles: "ロールの管理", manage_messages: "メッセージの管理", manage_webhooks: "ウェブフックの管理",
      kick_members: "メンバーをキック", ban_members: "メンバーをBAN", view_audit_log: "監査ログを表示",
    },
    fillOptions: "オプションを入力して Enter を押してください", pressEnter: "Enter で送信",
    noOptions: "このコマンドにはオプションがありません。", chooseOne: "選択…", none: "(なし)", yes: "はい", no: "いいえ",
    noSuggestions: "候補はありません", fillIn: "入力してください: {names}",
    hiddenCommand: "{command} はここでは使えません",
    filesTooLarge: "ファイルは合計 {mb} MB まで", tooManyFiles: "ファイルは {count} 個まで",
    types: { 3: "テキスト", 4: "整数", 5: "はい/いいえ", 6: "ユーザー", 7: "チャンネル", 8: "ロール", 9: "ユーザーまたはロール", 10: "数値", 11: "ファイル" },
  },
};

let language = "en";

export function browserLocale(languages = navigator.languages || [navigator.language]) {
  return (languages || []).some((l) => String(l).toLowerCase().startsWith("ja")) ? "ja" : "en-US";
}

export function setLanguage(locale) {
  language = String(locale).startsWith("ja") ? "ja" : "en";
  document.documentElement.lang = language;
}

export function lang() {
  return language;
}

// t("used", {user: "alice", command: "/help"}); plain text: escape it before putting it in HTML.
export function t(key, params = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return typeof text === "string" ? text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : text;
}

// A Discord permission (`manage_guild`) as Discord's role settings name it ("Manage Server").
export function permissionName(flag) {
  const known = t("permissions")[flag];
  return known || String(flag).split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

// Static page text: data-i18n sets text, data-i18n-html trusted markup from this file, data-i18n-title/-label attributes.
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-html]")) el.innerHTML = t(el.dataset.i18nHtml);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
