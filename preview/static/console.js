/* customer-agent merchant console: small helpers shared by every page (no framework). */
"use strict";

const Console = {
  /** The session's CSRF token, from <meta name="csrf-token">. */
  csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  },

  /** POST ``data`` (an object, sent as a form) with the CSRF header; resolves to the JSON reply. */
  async post(url, data) {
    const body = new URLSearchParams(data || {});
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": Console.csrf(), "Accept": "application/json" },
    });
    const reply = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(reply.error || `HTTP ${response.status}`);
    return reply;
  },

  /** GET a JSON endpoint of the console. */
  async getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin",
                                        headers: { "Accept": "application/json" } });
    const reply = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(reply.error || `HTTP ${response.status}`);
    return reply;
  },
};

/* Forms with data-confirm ask before submitting. */
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

window.Console = Console;
