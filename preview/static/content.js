/* Content page: start a re-index and show its progress until it ends. */
"use strict";

(() => {
  const box = document.getElementById("reindex");
  if (!box) return;
  const url = box.dataset.url;
  const bar = document.getElementById("reindex-bar");
  const status = document.getElementById("reindex-status");
  const button = document.getElementById("reindex-start");

  function show(progress) {
    box.dataset.state = progress.state;
    bar.style.width = `${progress.percent}%`;
    let text = `${progress.state}: ${progress.done} of ${progress.total} articles`;
    if (progress.current) text += ` (now ${progress.current})`;
    if (progress.error) text += ` — ${progress.error}`;
    if (progress.state === "done" && progress.kept.length) {
      text += `; kept as they are (no file here): ${progress.kept.join(", ")}`;
    }
    status.textContent = text;
    button.disabled = progress.state === "running";
  }

  async function poll() {
    try {
      const progress = await window.Console.getJSON(url);
      show(progress);
      if (progress.state === "running") window.setTimeout(poll, 500);
    } catch (error) {
      status.textContent = `Could not read the progress: ${error.message}`;
    }
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      show(await window.Console.post(url, {}));
    } catch (error) {
      status.textContent = error.message;
    }
    poll();
  });

  if (box.dataset.state === "running") poll();
})();
