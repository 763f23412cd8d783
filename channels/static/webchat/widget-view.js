/*
 * customer-agent webchat widget: the view (loaded by widget.js from the same server).
 *
 * Draws the launcher, the panel, the greeting with the frequent questions, the shared
 * discount code and the optional email before the first message, and the conversation;
 * each message is drawn by widget-messages.js. Accessible: the conversation is role="log"
 * with polite live updates, the input is labelled, Escape closes the panel, everything is
 * reachable with Tab and Enter.
 */
(function () {
  "use strict";

  const messages = window.CustomerAgentMessages;
  const el = messages.el;
  const chipGroup = messages.chipGroup;
  let ui = null;  // the mounted elements and callbacks

  /* --- the log ------------------------------------------------------------------------- */

  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function shopperWrote() {
    for (const chip of ui.log.querySelectorAll(".ca-chips button")) chip.disabled = true;
    if (ui.starter) { ui.starter.remove(); ui.starter = null; }
  }

  function entryElement(direction, author) {
    return el("div", "ca-entry ca-" + direction + " ca-by-" + author);
  }

  function addEntry(entry) {
    if (entry.direction === "in") shopperWrote();
    const node = entryElement(entry.direction, entry.author);
    node.dataset.id = String(entry.id);
    if (entry.author === "teammate") {
      node.append(el("p", "ca-author", entry.channel === "email" ? "From the team (also emailed)"
                                                                  : "From the team"));
    }
    for (const message of entry.messages || []) node.append(messages.render(message, ui.send));
    ui.log.append(node);
    if (entry.direction === "out" && ui.panel.hidden) ui.launcher.classList.add("ca-unread");
    scrollDown();
  }

  function addPending(text, clientId) {
    shopperWrote();
    const node = entryElement("in", "customer");
    node.classList.add("ca-pending");
    node.dataset.clientId = clientId;
    node.append(el("p", "ca-bubble", text));
    ui.log.append(node);
    scrollDown();
  }

  function pendingNode(clientId) {
    return Array.from(ui.log.children).find((node) => node.dataset.clientId === clientId);
  }

  function confirmPending(entry) {
    const node = entry.client_message_id && pendingNode(entry.client_message_id);
    if (!node) return false;
    node.classList.remove("ca-pending", "ca-failed");
    node.dataset.id = String(entry.id);
    return true;
  }

  function failed(clientId, error) {
    const node = clientId && pendingNode(clientId);
    const note = el("p", "ca-error", "Not sent: " + (error || "please try again"));
    if (node) { node.classList.add("ca-failed"); node.append(note); } else ui.log.append(note);
    scrollDown();
  }

  function typing(on) {
    ui.typing.hidden = !on;
    if (on) scrollDown();
  }

  /* --- before the first message: frequent questions, shared code, email --------------- */

  function emailForm(saveEmail) {
    const form = el("form", "ca-email");
    const label = el("label", "", "Your email (optional), so we can reply if you leave");
    label.htmlFor = "ca-email-input";
    const input = el("input");
    Object.assign(input, { id: "ca-email-input", type: "email", autocomplete: "email",
                           maxLength: 254, required: true });
    const save = el("button", "ca-button", "Save");
    save.type = "submit";
    const status = el("p", "ca-note");
    status.setAttribute("role", "status");
    form.append(label, input, save, status);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveEmail(input.value.trim()).then(() => {
        status.textContent = "Thanks, we'll email you at " + input.value.trim() + " if you leave.";
        input.disabled = save.disabled = true;
      }, (error) => { status.textContent = error.message; });
    });
    return form;
  }

  function starter(options) {
    const box = el("div", "ca-starter");
    const config = options.config;
    const questions = (config.frequent_questions || []).map((q) => ({ label: q, value: q }));
    if (questions.length) {
      box.append(chipGroup("Frequent questions", questions, (option) => ui.send(option.value)));
    }
    if (config.discount) {
      const status = el("p", "ca-note");
      status.setAttribute("role", "status");
      const code = config.discount.code;
      const offer = [{ label: "Use code " + code + ": " + config.discount.description, value: code }];
      box.append(chipGroup("Discount", offer, (option, chip) => {
        options.applyDiscount(option.value).then(() => {
          chip.disabled = true;
          status.textContent = "Code " + code + " is applied to your cart.";
        }, (error) => { status.textContent = error.message; });
      }), status);
    }
    if (config.ask_email && !options.knownEmail) box.append(emailForm(options.saveEmail));
    return box;
  }

  /* --- panel ------------------------------------------------------------------------- */

  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.classList.remove("ca-unread");
    ui.rememberOpen(true);
    scrollDown();
    ui.input.focus();
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.rememberOpen(false);
    ui.launcher.focus();
  }

  function composer(send) {
    const form = el("form", "ca-composer");
    const label = el("label", "ca-visually-hidden", "Type your message");
    label.htmlFor = "ca-input";
    const input = el("textarea", "ca-input");
    Object.assign(input, { id: "ca-input", rows: 1, maxLength: 4000,
                           placeholder: "Type your message…" });
    const submit = el("button", "ca-send", "Send");
    submit.type = "submit";
    form.append(label, input, submit);
    const go = () => { const text = input.value; input.value = ""; send(text); };
    form.addEventListener("submit", (event) => { event.preventDefault(); go(); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); go(); }
    });
    return { form: form, input: input };
  }

  function mount(options) {
    const root = el("div", "ca-root");
    const launcher = el("button", "ca-launcher", "Chat with us");
    Object.assign(launcher, { type: "button" });
    launcher.setAttribute("aria-controls", "ca-panel");
    launcher.setAttribute("aria-expanded", "false");
    const panel = el("section", "ca-panel");
    Object.assign(panel, { id: "ca-panel", hidden: true });
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "ca-title");
    const header = el("header", "ca-header");
    const closeButton = el("button", "ca-close", "×");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", "Close chat");
    const title = el("h2", "ca-title", options.title);
    title.id = "ca-title";
    header.append(title, closeButton);
    const log = el("div", "ca-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;
    const greeting = entryElement("out", "agent");
    greeting.classList.add("ca-greeting");
    greeting.append(el("p", "ca-bubble", options.config.greeting));
    log.append(greeting);
    const typingNote = el("p", "ca-typing", "The assistant is typing…");
    Object.assign(typingNote, { hidden: true });
    typingNote.setAttribute("role", "status");
    const write = composer(options.send);
    ui = { root: root, launcher: launcher, panel: panel, log: log, typing: typingNote,
           input: write.input, send: options.send, rememberOpen: options.rememberOpen,
           starter: null };
    ui.starter = starter(options);
    panel.append(header, log, typingNote, ui.starter, write.form);
    root.append(panel, launcher);
    document.body.append(root);
    launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
    closeButton.addEventListener("click", close);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    if (options.startOpen) open();
  }

  window.CustomerAgentView = {
    mount: mount, open: open, close: close, addEntry: addEntry, addPending: addPending,
    confirmPending: confirmPending, failed: failed, typing: typing,
  };
})();
