/* "/review/<job_id>": the document with every edit inline, a panel for the selected edit,
   keyboard j/k/a/r/e/u, bulk decisions and downloads.  The document is untrusted text: it
   only ever reaches the page through textContent / text nodes. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const $ = (id) => document.getElementById(id);
  const jobId = $("job").dataset.jobId;
  const base = "/v1/jobs/" + encodeURIComponent(jobId);

  let text = "";
  let edits = [];          // views from the API, in document order
  const byId = new Map();  // id -> view
  const els = new Map();   // id -> inline element
  let current = -1;        // index into edits
  let editing = false;
  const undoStack = [];    // lists of edit ids, one per action taken on this page
  let queue = Promise.resolve();
  let refreshTimer = null;

  const safeClass = (s) => String(s).toLowerCase().replace(/[^a-z0-9_-]/g, "");

  function stateOf(v) {
    if (v.decision === "accept") return "accepted";
    if (v.decision === "reject") return "rejected";
    if (v.decision === "modify") return "modified";
    return v.selected ? "default" : "pending";
  }

  const STATE_LABEL = {accepted: "accepted", rejected: "rejected", modified: "your wording",
                       default: "auto: applied unless rejected", pending: "suggestion: undecided"};

  /* -- rendering ------------------------------------------------------------------------ */
  function makeEditEl(v, chip) {
    const el = document.createElement("span");
    el.dataset.id = v.id;
    el.setAttribute("role", "button");
    el.title = v.rule_id;
    const del = document.createElement("del");
    del.textContent = v.original.replace(/\n/g, "\u21b5\n");  // a removed line break shows
    const ins = document.createElement("ins");
    el.append(del, ins);
    if (chip) el.dataset.chip = "1";
    el.addEventListener("click", () => select(edits.indexOf(byId.get(v.id))));
    return el;
  }

  function renderDoc() {
    const doc = $("doc");
    doc.textContent = "";
    els.clear();
    let pos = 0;
    let last = null;
    for (const v of edits) {
      const overlaps = last && (v.start < last.end || (v.start === v.end && last.start === last.end && v.start === last.start));
      if (overlaps) {  // shown as a chip after the edit it overlaps
        const chip = makeEditEl(v, true);
        els.set(v.id, chip);
        doc.append(chip);
        continue;
      }
      doc.append(document.createTextNode(text.slice(pos, v.start)));
      const el = makeEditEl(v, false);
      els.set(v.id, el);
      doc.append(el);
      pos = v.end;
      last = v;
    }
    doc.append(document.createTextNode(text.slice(pos)));
    edits.forEach(paint);
  }

  function paint(v) {
    const el = els.get(v.id);
    if (!el) return;
    const classes = ["edit", "cat-" + safeClass(v.category), "state-" + stateOf(v), v.auto ? "is-auto" : "is-suggest"];
    if (v.conflict) classes.push("is-lost");
    if (el.dataset.chip) classes.push("chip");
    if (edits[current] === v) classes.push("is-selected");
    el.className = classes.join(" ");
    const ins = el.querySelector("ins");
    ins.textContent = v.replacement.replace(/\n/g, "\u21b5\n");
    el.setAttribute("aria-label", v.category + " edit, " + STATE_LABEL[stateOf(v)] + ": " +
                    JSON.stringify(v.original) + " to " + JSON.stringify(v.replacement));
  }

  /* whitespace made visible: a line break as a return sign, a change of spaces alone as dots */
  function visible(s) {
    const shown = s.replace(/\n/g, "\u21b5");
    return /^[ \t]+$/.test(s) ? shown.replace(/ /g, "\u2423").replace(/\t/g, "\u21e5") : shown;
  }

  function setText(el, value, emptyLabel) {
    el.textContent = visible(value);
    el.classList.toggle("empty", value === "");
    if (value === "") el.dataset.empty = emptyLabel;
  }

  function renderPanel() {
    const v = edits[current];
    const has = Boolean(v);
    for (const id of ["btn-accept", "btn-reject", "btn-edit", "btn-prev", "btn-next", "bulk-rule-accept", "bulk-rule-reject"]) {
      $(id).disabled = !has;
    }
    if (!has) {
      $("pos").textContent = edits.length ? "" : "Nothing to review: no edits were found";
      return;
    }
    const left = leftToDecide();
    $("pos").textContent = "Edit " + (current + 1) + " of " + edits.length;
    $("pos-left").textContent = left ? left + " left to decide" : "nothing left to decide";
    const cat = $("badge-cat");
    cat.textContent = v.category.replace(/_/g, " ");
    cat.className = "badge cat-" + safeClass(v.category);
    $("badge-tier").textContent = v.auto ? "auto" : "suggestion";
    const st = stateOf(v);
    $("badge-state").textContent = STATE_LABEL[st];
    $("badge-state").className = "badge state state-" + st;
    setText($("p-old"), v.original, "(nothing)");
    setText($("p-new"), v.replacement, "(removed)");
    const cands = $("p-candidates");
    cands.textContent = "";
    cands.hidden = v.replacements.length < 2;
    if (v.replacements.length > 1) {
      const label = document.createElement("span");
      label.textContent = "Candidates:";
      cands.append(label);
      v.replacements.forEach((r) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = r === "" ? "(remove)" : r;
        b.addEventListener("click", () => decide("accept", r));
        cands.append(b);
      });
    }
    $("p-message").textContent = v.message;
    const ev = $("p-evidence");
    ev.textContent = "";
    for (const item of v.evidence) {
      const li = document.createElement("li");
      li.textContent = item;
      ev.append(li);
    }
    const conflict = $("p-conflict");
    conflict.hidden = !v.conflict;
    if (v.conflict) {
      conflict.textContent = "Not in the text: " + v.conflict.reason +
        (v.conflict.winner_rule_id ? " (" + v.conflict.winner_rule_id + ")" : "");
    }
    let rule = v.rule_id + " \u00b7 " + v.pass_name + (v.source ? " \u00b7 " + v.source : "") +
               " \u00b7 line " + v.context.line;
    if (v.decided_at) {
      rule += " \u00b7 decided " + new Date(v.decided_at * 1000).toLocaleString() + (v.decided_by ? " by " + v.decided_by : "");
    }
    $("p-rule").textContent = rule;
    const same = edits.filter((e) => e.rule_id === v.rule_id).length;
    $("bulk-rule-accept").textContent = "Accept all " + same + " from " + v.rule_id;
    $("bulk-rule-reject").textContent = "Reject all " + same + " from " + v.rule_id;
  }

  /* what is left to decide: the suggestions nobody accepted, rejected or rewrote (an undecided
     auto edit is in the text unless rejected: nothing to decide) */
  const undecided = (v) => !v.decision && !v.selected;
  const leftToDecide = () => edits.filter(undecided).length;

  function renderCounts() {
    const left = leftToDecide();
    const counter = $("counter");
    counter.textContent = left ? left + (left === 1 ? " suggestion" : " suggestions") + " left to decide"
                               : "Nothing left to decide";
    counter.classList.toggle("done", left === 0);
    const decided = edits.filter((v) => v.decision).length;
    counter.title = edits.length + " edits: " + decided + " decided, " +
                    edits.filter((v) => !v.decision && v.selected).length + " auto edits applied unless rejected";
    const autos = edits.filter((v) => v.auto && v.decision !== "accept").length;
    $("bulk-auto").textContent = "Accept every auto edit (" + autos + ")";
    $("bulk-auto").disabled = autos === 0;
  }

  function select(i) {
    if (!edits.length) { current = -1; renderPanel(); return; }
    const prev = edits[current];
    current = Math.max(0, Math.min(edits.length - 1, i));
    if (prev) paint(prev);
    const v = edits[current];
    paint(v);
    renderPanel();
    closeEditor();
    const el = els.get(v.id);
    if (el) el.scrollIntoView({block: "center", behavior: "auto"});
  }

  /* -- talking to the API --------------------------------------------------------------- */
  function apply(listing) {
    for (const v of listing.edits) {
      const mine = byId.get(v.id);
      if (mine) Object.assign(mine, v);
    }
    edits.forEach(paint);
    renderPanel();
    renderCounts();
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      queue = queue.then(async () => apply(await mtclean.getJSON(base + "/edits")))
        .catch((e) => mtclean.toast("Cannot refresh the edits: " + e.message));
    }, 120);
  }

  function fail(e) {
    mtclean.toast("Not saved: " + e.message);
    refreshSoon();
  }

  function enqueue(work) {
    queue = queue.then(work).then(refreshSoon).catch(fail);
    return queue;
  }

  function decide(decision, replacement) {
    const v = edits[current];
    if (!v) return;
    const body = {decision};
    if (replacement !== undefined && replacement !== null) body.replacement = replacement;
    // at once on the page, so the next key acts on the next edit; the server's answer follows
    v.decision = decision;
    v.replacement = replacement !== undefined && replacement !== null ? replacement : v.replacements[0];
    v.selected = decision !== "reject";
    paint(v);
    renderCounts();
    undoStack.push([v.id]);
    enqueue(() => mtclean.postJSON(base + "/edits/" + encodeURIComponent(v.id), body));
    select(current + 1 < edits.length ? current + 1 : current);
  }

  function bulk(body, label) {
    enqueue(async () => {
      const res = await mtclean.postJSON(base + "/edits", body);
      if (res.changed.length) undoStack.push(res.changed);
      mtclean.toast(label + ": " + res.changed.length + " edit" + (res.changed.length === 1 ? "" : "s"), "info");
    });
  }

  function undo() {
    const ids = undoStack.pop();
    if (ids) {
      enqueue(async () => {
        if (ids.length === 1) {
          await mtclean.postJSON(base + "/edits/" + encodeURIComponent(ids[0]) + "/undo");
        } else {
          await mtclean.postJSON(base + "/edits", {decision: "undo", ids});
        }
      });
      const i = edits.indexOf(byId.get(ids[0]));
      if (i >= 0) select(i);
      return;
    }
    const v = edits[current];
    if (!v) return;
    queue = queue.then(() => mtclean.postJSON(base + "/edits/" + encodeURIComponent(v.id) + "/undo"))
      .then(refreshSoon)
      .catch((e) => {
        if (e.code === "nothing_to_undo") mtclean.toast("Nothing to undo for this edit", "info");
        else fail(e);
      });
  }

  /* -- the editor ------------------------------------------------------------------------ */
  function openEditor() {
    const v = edits[current];
    if (!v) return;
    editing = true;
    $("edit-form").hidden = false;
    const input = $("edit-input");
    input.value = v.replacement;
    input.focus();
    input.select();
  }

  function closeEditor() {
    editing = false;
    const input = $("edit-input");
    if (document.activeElement === input) input.blur();  // keys go to the page again at once
    $("edit-form").hidden = true;
  }

  $("edit-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = $("edit-input").value;
    closeEditor();
    decide("modify", value);
  });
  $("edit-input").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("edit-form").requestSubmit(); }
    if (ev.key === "Escape") { ev.preventDefault(); closeEditor(); }
  });
  $("edit-cancel").addEventListener("click", closeEditor);

  /* -- controls and keys ----------------------------------------------------------------- */
  $("btn-prev").addEventListener("click", () => select(current - 1));
  $("btn-next").addEventListener("click", () => select(current + 1));
  $("btn-accept").addEventListener("click", () => decide("accept"));
  $("btn-reject").addEventListener("click", () => decide("reject"));
  $("btn-edit").addEventListener("click", openEditor);
  $("btn-undo").addEventListener("click", undo);
  $("bulk-auto").addEventListener("click", () => {
    const ids = edits.filter((v) => v.auto && v.decision !== "accept").map((v) => v.id);
    if (ids.length) bulk({decision: "accept", ids}, "Accepted every auto edit");
  });
  $("bulk-rule-accept").addEventListener("click", () => {
    const v = edits[current];
    if (v) bulk({decision: "accept", rule_id: v.rule_id}, "Accepted " + v.rule_id);
  });
  $("bulk-rule-reject").addEventListener("click", () => {
    const v = edits[current];
    if (v) bulk({decision: "reject", rule_id: v.rule_id}, "Rejected " + v.rule_id);
  });
  $("dl-text").addEventListener("click", () =>
    queue.then(() => mtclean.download(base + "/document?format=text&download=1", "reviewed.txt")).catch(fail));
  $("dl-diff").addEventListener("click", () =>
    queue.then(() => mtclean.download(base + "/document?format=diff&download=1", "reviewed.diff")).catch(fail));

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || editing) return;
    const t = ev.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing && !t.closest("[hidden]")) return;
    const actions = {
      j: () => select(current + 1), k: () => select(current - 1), a: () => decide("accept"),
      r: () => decide("reject"), e: openEditor, u: undo,
      "?": () => { const d = document.querySelector("details.legend"); d.open = !d.open; },
    };
    const act = actions[ev.key];
    if (act && !$("review").hidden) { ev.preventDefault(); act(); }
  });

  /* -- loading --------------------------------------------------------------------------- */
  function show(listing) {
    text = listing.text;
    $("doc-name").textContent = listing.name;
    edits = listing.edits.slice().sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
    byId.clear();
    edits.forEach((v) => byId.set(v.id, v));
    $("status").hidden = true;
    $("review").hidden = false;
    renderDoc();
    renderCounts();
    const first = edits.findIndex((v) => !v.decision);
    select(first >= 0 ? first : 0);
  }

  async function load() {
    const label = $("status-label");
    const bar = $("status-bar");
    try {
      // wait for the job first: asking for the edits of a running job is a 409 in the console
      await mtclean.waitForJob(jobId, (j) => {
        if (j.state === "done") return;
        label.textContent = mtclean.describeProgress(j);
        if (j.progress && j.progress.total > 1) bar.value = j.progress.fraction;
      });
      show(await mtclean.getJSON(base + "/edits?include=text"));
    } catch (e) {
      if (e.code === "job_not_done") {
        try {
          await mtclean.waitForJob(jobId, (j) => {
            label.textContent = mtclean.describeProgress(j);
            if (j.progress.total > 1) bar.value = j.progress.fraction;
          });
          show(await mtclean.getJSON(base + "/edits?include=text"));
        } catch (e2) {
          label.textContent = "This job cannot be reviewed: " + e2.message;
          bar.hidden = true;
        }
        return;
      }
      label.textContent = e.status === 404 ? "No such job: it is unknown or has expired." : "Cannot load the review: " + e.message;
      bar.hidden = true;
    }
  }

  load();
});
