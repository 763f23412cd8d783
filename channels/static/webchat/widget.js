/*
 * customer-agent webchat widget: one script, no build step, no third-party code.
 *
 *   <script src="https://agent.example/widget.js" data-title="Chat with us" defer></script>
 *
 * data-title: the panel's heading (default: "Chat with <store name>");
 * data-open="true": open the panel on load;
 * data-page-views="manual": the page calls CustomerAgent.trackPage() itself (once its
 * title is final) instead of the widget reporting each page as it loads.
 *
 * It keeps the conversation id in localStorage, talks to the server over a websocket
 * (HTTP when a websocket cannot be opened) and replays the history after a reload,
 * de-duplicated by message id and, for the shopper's own messages, by client message id.
 * Drawing is in widget-view.js and widget-messages.js (loaded from the same server): every
 * piece of text from the server is inserted with textContent and every element made with
 * createElement, so nothing from a message, an order or an article is parsed as HTML;
 * links open only when they are http(s); no image is ever loaded from a message.
 *
 * window.CustomerAgent: ready (Promise of the conversation id), open(), close(), trackPage(),
 * cart.get/add/remove/applyDiscount (each resolves to the cart and fires the window event
 * "customer-agent:cart" with the cart as detail).
 */
(function () {
  "use strict";
  if (window.CustomerAgent) return;

  const script = document.currentScript;
  const options = (script && script.dataset) || {};
  const base = new URL(script ? script.src : location.href, location.href).origin;
  const api = base + "/channels/webchat";
  const keyPrefix = "customer-agent:" + base + ":";
  let view = null;  // window.CustomerAgentView, from widget-view.js (loaded at start)

  const state = {
    config: null, conversationId: null, known: null, socket: null, joined: false, polling: null,
    retries: 0, shown: new Set(), lastId: 0, sendingHttp: 0, leaving: false,
  };

  function remember(name, value) {
    try {
      if (value === null) localStorage.removeItem(keyPrefix + name);
      else localStorage.setItem(keyPrefix + name, value);
    } catch (ignored) { /* storage blocked: the chat still works for this page */ }
  }

  function recall(name) {
    try { return localStorage.getItem(keyPrefix + name); } catch (ignored) { return null; }
  }

  function randomId(prefix) {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function call(method, path, body) {
    const response = await fetch(api + path, {
      method: method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || ("request failed: " + response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function pageView() {
    let timezone = null;
    try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { /* none */ }
    return { url: location.href, title: document.title.slice(0, 300), timezone: timezone,
             language: navigator.language || null };
  }

  /* The conversation: the stored one if the server still knows it, else a new one. */
  async function startConversation() {
    const stored = recall("conversation");
    if (stored) {
      try {
        state.known = await call("GET", "/conversations/" + encodeURIComponent(stored));
        return stored;
      } catch (error) {
        if (error.status !== 404) throw error;
      }
    }
    const created = await call("POST", "/conversations");
    state.known = { has_contact_email: false };
    remember("conversation", created.conversation_id);
    return created.conversation_id;
  }

  /* Report the page being viewed (automatic unless data-page-views="manual"). */
  function trackPage() {
    return ready.then((id) => call("POST", "/conversations/" + encodeURIComponent(id) +
                                   "/pages", pageView()));
  }

  /* --- history: every entry drawn once ------------------------------------------- */

  function receive(entries) {
    for (const entry of entries) {
      if (state.shown.has(entry.id)) continue;
      state.shown.add(entry.id);
      state.lastId = Math.max(state.lastId, entry.id);
      if (entry.direction === "in" && view.confirmPending(entry)) continue;
      view.addEntry(entry);
    }
  }

  /* --- transport: websocket first, HTTP when it cannot be used ------------------- */

  function socketUrl() {
    const url = new URL(state.config.websocket_path, base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  function connect() {
    let socket;
    try { socket = new WebSocket(socketUrl()); } catch (error) { fallBack(); return; }
    state.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", conversation_id: state.conversationId,
                                   after: state.lastId }));
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      handleFrame(frame);
    });
    socket.addEventListener("close", () => {
      state.socket = null;
      state.joined = false;
      if (state.leaving) return;
      fallBack();
      const delay = Math.min(30000, 1000 * Math.pow(2, state.retries++));
      setTimeout(connect, delay);
    });
  }

  function handleFrame(frame) {
    switch (frame.type) {
      case "welcome":
        state.joined = true;
        state.retries = 0;
        stopPolling();
        break;
      case "messages":
        receive(frame.messages || []);
        break;
      case "typing":
        view.typing(Boolean(frame.on));
        break;
      case "error":
        if (frame.code === "unknown_conversation") restart();
        else view.failed(frame.client_message_id, frame.error);
        break;
      default:
        break;
    }
  }

  async function restart() {
    remember("conversation", null);
    state.conversationId = await startConversation();
    state.lastId = 0;
    if (state.socket) state.socket.close();
  }

  function fallBack() {
    if (state.polling || !state.config) return;
    const every = Math.max(1, Number(state.config.poll_seconds) || 2) * 1000;
    state.polling = setInterval(fetchNew, every);
  }

  function stopPolling() {
    if (state.polling) clearInterval(state.polling);
    state.polling = null;
  }

  async function fetchNew() {
    if (!state.conversationId) return;
    try {
      const path = "/conversations/" + encodeURIComponent(state.conversationId) +
                   "/messages?after=" + state.lastId;
      receive((await call("GET", path)).messages);
    } catch (error) { /* offline for now: the next poll tries again */ }
  }

  async function send(text) {
    const clean = String(text || "").trim();
    if (!clean) return;
    const clientId = randomId("c-");
    view.addPending(clean, clientId);
    if (state.socket && state.joined && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: "message", text: clean,
                                         client_message_id: clientId }));
      return;
    }
    state.sendingHttp += 1;
    view.typing(true);
    try {
      const path = "/conversations/" + encodeURIComponent(state.conversationId) + "/messages";
      receive((await call("POST", path, { text: clean, client_message_id: clientId })).messages);
    } catch (error) {
      view.failed(clientId, error.message);
    } finally {
      state.sendingHttp -= 1;
      view.typing(state.sendingHttp > 0);
    }
  }

  function reportLeaving() {
    if (!state.conversationId) return;
    state.leaving = true;
    const url = api + "/conversations/" + encodeURIComponent(state.conversationId) + "/presence";
    if (navigator.sendBeacon) navigator.sendBeacon(url, JSON.stringify({ online: false }));
    if (state.socket) state.socket.close();
  }

  /* --- cart (the demo storefront keeps its cart on the conversation) -------------- */

  function cartCall(method, path, body) {
    return ready.then((id) => call(method, "/conversations/" + encodeURIComponent(id) + "/cart" +
                                   path, body))
      .then((cart) => {
        window.dispatchEvent(new CustomEvent("customer-agent:cart", { detail: cart }));
        return cart;
      });
  }

  const cart = {
    get: () => cartCall("GET", ""),
    add: (variantId, quantity) => cartCall("POST", "/items",
                                           { variant_id: variantId, quantity: quantity || 1 }),
    remove: (variantId) => cartCall("DELETE", "/items/" + encodeURIComponent(variantId)),
    applyDiscount: (code) => cartCall("POST", "/discount", { code: code }),
  };

  async function saveEmail(email) {
    const path = "/conversations/" + encodeURIComponent(state.conversationId) + "/contact";
    await call("POST", path, { email: email });
  }

  /* --- start ----------------------------------------------------------------------- */

  const ready = (async () => {
    state.config = await call("GET", "/config");
    state.conversationId = await startConversation();
    return state.conversationId;
  })();

  window.CustomerAgent = {
    ready: ready,
    cart: cart,
    trackPage: trackPage,
    open: () => view && view.open(),
    close: () => view && view.close(),
  };

  function loadScript(name) {
    return new Promise((resolve, reject) => {
      const part = document.createElement("script");
      part.src = base + "/" + name;
      part.addEventListener("load", resolve);
      part.addEventListener("error", () => reject(new Error(name + " could not be loaded")));
      document.head.appendChild(part);
    });
  }

  async function loadView() {
    const stylesheet = document.createElement("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = base + "/widget.css";
    document.head.appendChild(stylesheet);
    await loadScript("widget-messages.js");
    await loadScript("widget-view.js");
    return window.CustomerAgentView;
  }

  if (options.pageViews !== "manual") trackPage().catch(() => { /* context only */ });

  Promise.all([ready, loadView()]).then((loaded) => {
    view = loaded[1];
    view.mount({
      config: state.config,
      title: options.title || ("Chat with " + state.config.store_name),
      startOpen: options.open === "true" || sessionStorage.getItem(keyPrefix + "open") === "1",
      rememberOpen: (open) => sessionStorage.setItem(keyPrefix + "open", open ? "1" : "0"),
      knownEmail: state.known.has_contact_email,
      send: send,
      saveEmail: saveEmail,
      applyDiscount: cart.applyDiscount,
    });
    connect();
  }).catch((error) => {
    console.error("customer-agent widget could not start:", error);
  });

  window.addEventListener("pagehide", reportLeaving);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && state.leaving) {
      state.leaving = false;
      connect();
    }
  });
})();
