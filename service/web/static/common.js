/* mtclean pages: the API client every page shares.  No HTML is ever parsed from strings: every piece of
   text from the server or the document goes into the page with textContent. */
"use strict";

const mtclean = (() => {
  const KEY = "mtclean-api-key";
  const csrfToken = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function headers(extra) {
    const h = Object.assign({"X-CSRF-Token": csrfToken(), "Accept": "application/json"}, extra || {});
    const key = sessionStorage.getItem(KEY);
    if (key) h["X-API-Key"] = key;
    return h;
  }

  async function errorOf(resp) {
    let code = "http_" + resp.status, message = resp.status + " " + resp.statusText;
    try {
      const body = await resp.json();
      if (body && body.error) { code = body.error.code; message = body.error.message; }
    } catch (_e) { /* not JSON */ }
    if (resp.status === 401) askForKey();
    return new ApiError(resp.status, code, message);
  }

  /* fetch a /v1 URL; JSON bodies are sent as JSON, FormData as multipart */
  async function request(method, url, body) {
    const opts = {method, headers: headers(), credentials: "same-origin"};
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(url, opts);
    } catch (e) {
      throw new ApiError(0, "network", "the server cannot be reached (" + e.message + ")");
    }
    if (!resp.ok) throw await errorOf(resp);
    return resp;
  }

  const getJSON = async (url) => (await request("GET", url)).json();
  const postJSON = async (url, body) => (await request("POST", url, body)).json();

  /* download a URL as a file (works with API keys too: a blob, not a plain link) */
  async function download(url, fallbackName) {
    const resp = await request("GET", url);
    const blob = await resp.blob();
    const disposition = resp.headers.get("Content-Disposition") || "";
    let name = fallbackName;
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="([^"]+)"/i.exec(disposition);
    if (star) name = decodeURIComponent(star[1]); else if (plain) name = plain[1];
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  let toastTimer = null;
  function toast(message, kind) {
    const keyForm = document.getElementById("key-form");
    if (keyForm && !keyForm.hidden && kind !== "info") return;  // the key form says what is wrong
    const el = document.getElementById("toast");
    el.textContent = message;
    el.className = "toast " + (kind || "error");
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, kind === "info" ? 2500 : 8000);
  }

  function askForKey() {
    const form = document.getElementById("key-form");
    if (!form || !form.hidden) return;
    form.hidden = false;
    document.getElementById("key-input").focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("key-form");
    if (!form) return;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById("key-input").value.trim());
      location.reload();
    });
  });

  /* wait for a job, reporting progress; resolves with the finished job */
  async function waitForJob(jobId, onProgress) {
    for (;;) {
      const job = await getJSON("/v1/jobs/" + encodeURIComponent(jobId) + "?wait=2");
      onProgress(job);
      if (job.state === "done") return job;
      if (job.state === "failed") {
        throw new ApiError(200, (job.error && job.error.code) || "failed",
                           (job.error && job.error.message) || "the job failed");
      }
    }
  }

  function describeProgress(job) {
    const p = job.progress || {done: 0, total: 1, fraction: 0};
    if (job.state === "queued") return "Queued, waiting for a worker";
    if (job.state === "running") {
      return p.total > 1 ? "Cleaning: " + p.done + " of " + p.total + " parts done" : "Cleaning";
    }
    return job.state === "done" ? "Done" : "Failed";
  }

  return {ApiError, request, getJSON, postJSON, download, toast, waitForJob, describeProgress};
})();
