/*
 * customer-agent webchat widget: one renderer per kind of webchat message (loaded by
 * widget.js from the same server, used by widget-view.js).
 *
 * The kinds are those channels/render.py produces: text, card (an order with per-item
 * status and action buttons), button, product, login (with one-time-code entry), chips
 * (quick replies), source (citation) and banner (handoff with expected reply time). Every
 * element is made with createElement and every text set with textContent, so nothing
 * from a message, an order note or an article is parsed as HTML; a link gets an href only
 * when it is http(s); no image is ever loaded from a message.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function linkButton(label, url) {
    const href = safeUrl(url);
    if (!href) return el("span", "ca-link-text", label + (url ? ": " + url : ""));
    const link = el("a", "ca-button", label);
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  function statusClass(status) {
    return "ca-status-" + String(status || "unknown").replace(/[^a-z_]/g, "");
  }

  function formatDate(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    return date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  }

  function renderCard(message) {
    const card = el("article", "ca-card");
    card.setAttribute("aria-label", "Order #" + message.order_number);
    const header = el("header", "ca-card-header");
    header.append(el("h3", "ca-card-title", "Order #" + message.order_number),
                  el("span", "ca-badge " + statusClass(message.status), message.status_label));
    card.append(header);
    const placed = formatDate(message.placed_at);
    if (placed) card.append(el("p", "ca-card-date", "Placed " + placed));
    const items = el("ul", "ca-items");
    for (const item of message.items || []) {
      const row = el("li", "ca-item");
      const name = el("p", "ca-item-name");
      name.append(el("strong", "", item.title),
                  el("span", "ca-item-variant", [item.variant, "× " + item.quantity]
                    .filter(Boolean).join(" ")));
      row.append(name, el("span", "ca-badge " + statusClass(item.status), item.status_label));
      if (item.reason) row.append(el("p", "ca-item-reason", item.reason));
      items.append(row);
    }
    card.append(items);
    const actions = el("div", "ca-actions");
    for (const button of message.buttons || []) actions.append(linkButton(button.label, button.url));
    if (message.link_url) actions.append(linkButton("View order", message.link_url));
    if (actions.childElementCount) card.append(actions);
    return card;
  }

  function renderProduct(message) {
    const card = el("article", "ca-product");
    card.append(el("h3", "ca-card-title", message.title), el("p", "ca-price", message.price));
    if (message.variants) card.append(el("p", "ca-item-variant", message.variants));
    card.append(el("p", "ca-stock", message.in_stock ? "In stock" : "Sold out"));
    if (message.url) card.append(linkButton("View product", message.url));
    return card;
  }

  function renderLogin(message, send) {
    const box = el("div", "ca-login");
    box.append(el("p", "ca-bubble", message.text));
    if (message.accepts_code) {
      const form = el("form", "ca-code");
      const id = "ca-code-" + Math.random().toString(36).slice(2);
      const label = el("label", "", "One-time code");
      label.htmlFor = id;
      const input = el("input", "ca-code-input");
      Object.assign(input, { id: id, type: "text", inputMode: "numeric", maxLength: 6,
                             autocomplete: "one-time-code", required: true,
                             pattern: "[0-9]{6}" });
      const submit = el("button", "ca-button", "Verify");
      submit.type = "submit";
      form.append(label, input, submit);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!input.checkValidity()) { input.reportValidity(); return; }
        send(input.value.trim());
        input.value = "";
      });
      box.append(form);
    }
    if (message.login_url) box.append(linkButton("Sign in to your account", message.login_url));
    return box;
  }

  function chipGroup(label, options, onChoose) {
    const group = el("div", "ca-chips");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", label);
    for (const option of options) {
      const chip = el("button", "ca-chip", option.label);
      chip.type = "button";
      chip.addEventListener("click", () => onChoose(option, chip));
      group.append(chip);
    }
    return group;
  }

  function renderChips(message, send) {
    return chipGroup("Suggested replies", message.options || [], (option) => send(option.value));
  }

  function renderBanner(message) {
    const banner = el("div", "ca-banner");
    banner.setAttribute("role", "note");
    banner.append(el("p", "", message.text));
    if (message.expected_reply) banner.append(el("p", "ca-expected", "Expected reply: " +
                                                 message.expected_reply));
    return banner;
  }

  const renderers = {
    text: (message) => el("p", "ca-bubble", message.text),
    card: renderCard,
    button: (message) => linkButton(message.label, message.url),
    product: renderProduct,
    login: renderLogin,
    chips: renderChips,
    source: (message) => el("p", "ca-source", "Source: " + message.article +
                            (message.heading ? " › " + message.heading : "")),
    banner: renderBanner,
  };

  /* The element for one webchat message; send(text) sends a chip's or a code's text. */
  function renderMessage(message, send) {
    const render = renderers[message.kind];
    if (render) return render(message, send);
    return el("p", "ca-bubble", typeof message.text === "string" ? message.text : "");
  }

  window.CustomerAgentMessages = { el: el, chipGroup: chipGroup, render: renderMessage };
})();
