/* The review page's extras (issue 13): a "?" overlay listing the keys (Esc, "?" or a click
   outside closes it; while it is open no other key acts on the document).  Loaded after
   review.js; no inline script (the page's Content-Security-Policy allows none). */
(function () {
  "use strict";
  const KEYS = [
    ["j", "next edit"], ["k", "previous edit"], ["a", "accept"], ["r", "reject"],
    ["e", "edit the wording (Enter saves, Esc cancels)"], ["u", "undo the last decision"], ["?", "this list"],
    ["Esc", "close this list"],
  ];

  function build() {
    const box = document.createElement("div");
    box.id = "keys-overlay";
    box.className = "keys-overlay";
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "keys-title");
    const card = document.createElement("div");
    card.className = "keys-card";
    const title = document.createElement("h2");
    title.id = "keys-title";
    title.textContent = "Keyboard";
    card.appendChild(title);
    const list = document.createElement("dl");
    for (const [key, what] of KEYS) {
      const dt = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      dt.appendChild(kbd);
      const dd = document.createElement("dd");
      dd.textContent = what;
      list.append(dt, dd);
    }
    card.appendChild(list);
    const close = document.createElement("button");
    close.type = "button";
    close.id = "keys-close";
    close.textContent = "Close";
    card.appendChild(close);
    box.appendChild(card);
    document.body.appendChild(box);
    close.addEventListener("click", () => hide(box));
    box.addEventListener("click", (ev) => { if (ev.target === box) hide(box); });
    return box;
  }

  let opener = null;
  function show(box) {
    opener = document.activeElement;
    box.hidden = false;
    document.getElementById("keys-close").focus();
  }
  function hide(box) {
    box.hidden = true;
    if (opener && opener.focus) opener.focus();
  }

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = build();
    // capture phase: runs before the page's own key handler, which it silences while open
    document.addEventListener("keydown", (ev) => {
      if (!box.hidden) {
        if (ev.key === "Escape" || ev.key === "?") hide(box);
        if (ev.key !== "Tab") {
          ev.preventDefault();
          ev.stopImmediatePropagation();
        }
        return;
      }
      if (ev.key === "?" && !typing(ev.target) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
        show(box);
      }
    }, true);
  });
})();
