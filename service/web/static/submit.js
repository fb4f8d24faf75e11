/* "/": submit a pasted text or an uploaded file as a job, show its progress, then open its review.
   An upload that cannot go (too big, a type mtclean does not read), a refusal of the server (its
   JSON error's message) or a network failure stops the progress bar and is shown once, in the
   progress card: a new attempt replaces it, nothing piles up. */
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
  const maxBytes = Number(form.dataset.maxBytes) || 0;
  const suffixes = (file.getAttribute("accept") || "").split(",").map((s) => s.trim().toLowerCase())
    .filter((s) => s.startsWith("."));

  function options() {
    const opts = {};
    const l = langs.value.split(/[\s,]+/).filter(Boolean);
    if (l.length) opts.source_lang = l;
    return opts;
  }

  function size(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
    return n + " bytes";
  }

  /* why a chosen file cannot be sent, or "" */
  function problemOf(f) {
    const name = f.name.toLowerCase();
    if (suffixes.length && !suffixes.some((s) => name.endsWith(s)) && !(f.type || "").startsWith("text/")) {
      return f.name + ": mtclean does not read this type of file; upload " + suffixes.join(" ");
    }
    if (maxBytes && f.size > maxBytes) {
      return f.name + " is " + size(f.size) + ", over the limit of " + size(maxBytes) + "; split the file";
    }
    return "";
  }

  function start(message) {
    progress.hidden = false;
    progress.classList.remove("failed");
    label.removeAttribute("role");
    label.textContent = message;
    bar.hidden = false;
    bar.removeAttribute("value");  // indeterminate until the job reports its parts
  }

  function stop(message) {
    bar.value = 0;
    bar.hidden = true;  // no bar moves once it has failed
    progress.hidden = false;
    progress.classList.add("failed");
    label.setAttribute("role", "alert");
    label.textContent = "Not cleaned: " + message;
    button.disabled = false;
  }

  file.addEventListener("change", () => {
    const f = file.files[0];
    const problem = f ? problemOf(f) : "";
    if (problem) stop(problem);
    else if (progress.classList.contains("failed")) progress.hidden = true;
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let body;
    if (file.files.length) {
      const problem = problemOf(file.files[0]);
      if (problem) { stop(problem); return; }
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
    start("Sending");
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
      stop(e.message);
    }
  });
});
