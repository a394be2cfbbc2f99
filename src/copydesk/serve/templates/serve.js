// The one write action of the pages: add the pasted text as a write job, then follow the job.
"use strict";
(function () {
  const button = document.getElementById("add-button");
  if (!button) return;
  const state = document.getElementById("add-state");
  const token = document.getElementById("add-token");
  token.value = sessionStorage.getItem("copydesk-token") || "";
  function say(text) { state.textContent = text; }
  async function follow(job) {
    for (let i = 0; i < 600; i++) {
      const r = await fetch("/api/jobs/" + encodeURIComponent(job));
      const body = await r.json();
      if (!body.ok) { say(body.error); return; }
      if (body.state === "done") { say("added: " + JSON.stringify(body.summary.added) + " new article(s); stories updated"); return; }
      if (body.state === "failed") { say("failed: " + body.error); return; }
      say("job " + job + ": " + body.state);
      await new Promise(function (ok) { setTimeout(ok, 500); });
    }
  }
  button.addEventListener("click", async function () {
    const text = document.getElementById("text").value;
    if (!text.trim()) { say("paste a text first"); return; }
    sessionStorage.setItem("copydesk-token", token.value);
    const article = { text: text };
    for (const name of ["title", "date", "outlet"]) {
      const v = document.querySelector("[name=" + name + "]").value;
      if (v) article[name] = v;
    }
    const id = document.getElementById("add-id").value;
    if (id) article.id = id;
    const r = await fetch("/api/articles", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token.value },
      body: JSON.stringify(article),
    });
    const body = await r.json();
    if (!body.ok) { say(body.error); return; }
    follow(body.job);
  });
})();
