/* The inbox in the browser: new-message notifications, assists and saved-reply shortcuts.
   Everything works without this file (forms post normally); it only adds convenience. */
"use strict";

const Inbox = {
  SOUND_KEY: "customerAgent.inbox.sound",
  POLL_MS: 15000,

  /* ---- new-message notifications ------------------------------------------------ */
  startNotifications() {
    const controls = document.getElementById("notify-controls");
    if (!controls) return;
    const enable = document.getElementById("notify-enable");
    const sound = document.getElementById("notify-sound");
    sound.checked = window.localStorage.getItem(Inbox.SOUND_KEY) === "on";
    sound.addEventListener("change", () => {
      window.localStorage.setItem(Inbox.SOUND_KEY, sound.checked ? "on" : "off");
    });
    if ("Notification" in window && Notification.permission === "default") {
      enable.hidden = false;
      enable.addEventListener("click", async () => {
        await Notification.requestPermission();
        enable.hidden = Notification.permission !== "default";
      });
    }
    const url = controls.dataset.poll;
    let cursor = null;
    const poll = async () => {
      try {
        const reply = await Console.getJSON(cursor === null ? url : `${url}?after=${cursor}`);
        const fresh = cursor === null ? [] : reply.messages;
        cursor = reply.cursor;
        fresh.forEach((message) => Inbox.notify(message, sound.checked));
      } catch (error) {
        Inbox.status("notify-status", `Notifications paused: ${error.message}`);
      }
    };
    poll();
    window.setInterval(poll, Inbox.POLL_MS);
  },

  notify(message, withSound) {
    const title = `New ${message.channel} message`;
    if ("Notification" in window && Notification.permission === "granted") {
      const shown = new Notification(title, { body: message.text, tag: `msg-${message.id}` });
      shown.onclick = () => { window.location.href = message.url; };
    }
    Inbox.banner(title, message);
    if (withSound) Inbox.beep();
  },

  banner(title, message) {
    let banner = document.getElementById("notify-banner");
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "notify-banner";
      banner.className = "notify-banner";
      banner.setAttribute("role", "status");
      document.body.appendChild(banner);
    }
    const link = document.createElement("a");
    link.href = message.url;
    link.textContent = `${title}: ${message.text}`;
    banner.replaceChildren(link);
  },

  beep() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    const audio = new Context();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.value = 0.05;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  },

  status(id, text) {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  },

  /* ---- assists ------------------------------------------------------------------- */
  startAssists(form, box) {
    form.querySelectorAll("button.assist").forEach((button) => {
      button.addEventListener("click", async () => {
        const language = document.getElementById("assist-language");
        Inbox.status("assist-status", "Working…");
        try {
          const result = await Console.post(form.dataset.assist, {
            name: button.dataset.assistName, text: box.value,
            language: language ? language.value : "" });
          if (result.text) {
            box.value = result.text;
            Inbox.status("assist-status", result.note || `Done (${result.source}). Read it before sending.`);
          } else {
            Inbox.status("assist-status", `Unavailable: ${result.unavailable}`);
          }
        } catch (error) {
          Inbox.status("assist-status", error.message);
        }
      });
    });
  },

  /* ---- saved replies: "/name" shortcuts ----------------------------------------- */
  async startSavedReplies(form, box) {
    let saved = [];
    try {
      saved = (await Console.getJSON(form.dataset.saved)).saved_replies;
    } catch (error) {
      return;
    }
    const list = document.getElementById("saved-suggestions");
    const tokenBeforeCaret = () => {
      const before = box.value.slice(0, box.selectionStart);
      const match = before.match(/(^|\s)\/([a-z0-9_-]*)$/);
      return match ? { name: match[2], start: before.length - match[2].length - 1 } : null;
    };
    const insert = (reply, token) => {
      const end = token.start + token.name.length + 1;
      box.value = box.value.slice(0, token.start) + reply.text + box.value.slice(end);
      const caret = token.start + reply.text.length;
      box.setSelectionRange(caret, caret);
      list.hidden = true;
      box.focus();
    };
    const suggest = () => {
      const token = tokenBeforeCaret();
      const matches = token ? saved.filter((r) => r.name.startsWith(token.name)) : [];
      list.replaceChildren(...matches.map((reply, index) => {
        const item = document.createElement("li");
        item.textContent = `/${reply.name} — ${reply.text.slice(0, 60)}`;
        item.setAttribute("aria-selected", index === 0 ? "true" : "false");
        item.addEventListener("mousedown", (event) => { event.preventDefault(); insert(reply, token); });
        return item;
      }));
      list.hidden = matches.length === 0;
      return { token, matches };
    };
    box.addEventListener("input", () => {
      const before = box.value.slice(0, box.selectionStart);
      const typed = before.match(/(^|\s)\/([a-z0-9_-]+) $/);
      const exact = typed && saved.find((r) => r.name === typed[2]);
      if (exact) {
        insert(exact, { name: `${typed[2]} `, start: before.length - typed[2].length - 2 });
        return;
      }
      suggest();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" && event.key !== "Enter") return;
      const { token, matches } = suggest();
      if (token && matches.length) {
        event.preventDefault();
        insert(matches[0], token);
      }
    });
    document.querySelectorAll(".saved-insert").forEach((button) => {
      button.addEventListener("click", () => {
        const at = box.selectionStart;
        box.value = box.value.slice(0, at) + button.dataset.text + box.value.slice(box.selectionEnd);
        box.focus();
      });
    });
  },

  start() {
    Inbox.startNotifications();
    const form = document.getElementById("reply-form");
    const box = document.getElementById("reply-text");
    if (form && box) {
      Inbox.startAssists(form, box);
      Inbox.startSavedReplies(form, box);
    }
  },
};

document.addEventListener("DOMContentLoaded", Inbox.start);
