// The import preview's confirmation: send it once, and show the import's progress
// as the server streams it (one JSON object per line: {done, total}, then
// {summary, map_url} or {error}). Without this script the form posts normally.
(function () {
  "use strict";
  const form = document.getElementById("import-confirm");
  if (!form || !window.fetch || !window.TextDecoder) return;
  const button = form.querySelector("button[type=submit]");
  const box = form.querySelector(".import-progress");
  const bar = box.querySelector("progress");
  const text = box.querySelector("[role=status]");
  let sending = false;

  function show(message, kind) {
    box.hidden = false;
    text.textContent = message;
    box.dataset.kind = kind || "";
  }

  function handle(event) {
    if (event.error) {
      show(event.error, "error");
      button.disabled = false;
      sending = false;
    } else if (event.map_url) {
      bar.value = bar.max;
      show(event.summary + " Opening the map…", "done");
      window.location.assign(event.map_url);
    } else if (event.total) {
      bar.max = event.total;
      bar.value = event.done;
      show("Imported " + event.done.toLocaleString() + " of " + event.total.toLocaleString() + " concepts…");
    }
  }

  form.addEventListener("submit", async function (submit) {
    submit.preventDefault();
    if (sending) return; // a second click while the first is on its way
    sending = true;
    button.disabled = true;
    show("Starting…");
    bar.removeAttribute("value");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/x-ndjson" },
        credentials: "same-origin",
      });
      if (!response.ok || !response.body) {
        throw new Error("The server answered " + response.status + ".");
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line) handle(JSON.parse(line));
        }
      }
    } catch (error) {
      show("The import could not be sent (" + error.message + "). Nothing was written; try again.", "error");
      button.disabled = false;
      sending = false;
    }
  });
})();
