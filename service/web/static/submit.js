/* "/": submit a pasted text or an uploaded file as a job, show its progress, then open its review. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("submit-form");
  const text = document.getElementById("text");
  const file = document.getElementById("file");
  const langs = document.getElementById("source-lang");
  const button = document.getElementById("submit-button");
  const progress = document.getElementById("progress");
  const label = document.getElementById("progress-label");
  const bar = document.getElementById("progress-bar");

  function options() {
    const opts = {};
    const l = langs.value.split(/[\s,]+/).filter(Boolean);
    if (l.length) opts.source_lang = l;
    return opts;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let body;
    if (file.files.length) {
      body = new FormData();
      body.append("file", file.files[0], file.files[0].name);
      body.append("options", JSON.stringify(options()));
    } else if (text.value.trim()) {
      body = {text: text.value, name: "pasted text", options: options()};
    } else {
      mtclean.toast("Paste a text or choose a file first.");
      text.focus();
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    label.textContent = "Sending";
    bar.removeAttribute("value");
    try {
      const job = await mtclean.postJSON("/v1/jobs", body);
      await mtclean.waitForJob(job.id, (j) => {
        label.textContent = mtclean.describeProgress(j);
        if (j.state === "running" && j.progress.total > 1) bar.value = j.progress.fraction;
      });
      label.textContent = "Done: opening the review";
      bar.value = 1;
      location.assign("/review/" + encodeURIComponent(job.id));
    } catch (e) {
      mtclean.toast(e.message);
      label.textContent = "Not cleaned: " + e.message;
      button.disabled = false;
    }
  });
});
