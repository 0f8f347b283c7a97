// Nami quick switcher: Ctrl+K (Cmd+K on a Mac) opens a dialog that finds apps, paywalls,
// campaigns, products, entitlements and platforms by name or ref (GET /search?q=) and opens the
// chosen one. Arrow keys move, Enter opens, Escape closes. Only on signed-in pages.
(function () {
  "use strict";

  var dialog, input, list, status, timer, controller, hits = [], active = -1, pendingEnter = false, seq = 0, opener = null;
  var shown = ""; // the query whose matches the list shows
  var KIND = { app: "App", paywall: "Paywall", campaign: "Campaign", product: "Product", entitlement: "Entitlement", platform: "Platform" };

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "switcher";
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "switcher-title");
    dialog.setAttribute("data-testid", "switcher");
    var title = document.createElement("h2");
    title.id = "switcher-title";
    title.className = "sr-only";
    title.textContent = "Go to";
    var label = document.createElement("label");
    label.setAttribute("for", "switcher-input");
    label.className = "sr-only";
    label.textContent = "Find an app, paywall, campaign or product";
    input = document.createElement("input");
    input.id = "switcher-input";
    input.type = "text";
    input.className = "switcher-input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = "Go to an app, paywall, campaign or product…";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "switcher-list");
    list = document.createElement("ul");
    list.id = "switcher-list";
    list.className = "switcher-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matches");
    status = document.createElement("p");
    status.className = "switcher-status muted small";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var help = document.createElement("p");
    help.className = "switcher-help muted small";
    help.textContent = "↑ ↓ to move · Enter to open · Esc to close";
    dialog.append(title, label, input, list, status, help);
    document.body.appendChild(dialog);

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchHits, 150);
    });
    input.addEventListener("keydown", onKey);
    dialog.addEventListener("close", reset);
    // A click on the backdrop (the dialog element itself, outside its box) closes it.
    dialog.addEventListener("click", function (evt) {
      if (evt.target === dialog) dialog.close();
    });
    list.addEventListener("mousedown", function (evt) { evt.preventDefault(); }); // keep the focus in the input
    list.addEventListener("click", function (evt) {
      var li = evt.target.closest("[role=option]");
      if (li) go(Number(li.getAttribute("data-index")));
    });
  }

  function open() {
    if (!dialog) build();
    if (dialog.open) { input.select(); return; }
    opener = document.activeElement;
    dialog.showModal();
    input.value = "";
    shown = "";
    render([]);
    status.textContent = "Type a name or a ref.";
    input.focus();
  }

  function reset() {
    // The close event is a task of its own: when the switcher is opened again before it runs
    // (Escape, then Ctrl+K at once), it must not cancel the new search or take the focus away.
    if (dialog.open) return;
    clearTimeout(timer);
    if (controller) controller.abort();
    pendingEnter = false;
    if (opener && opener.focus && document.contains(opener)) opener.focus();
    opener = null;
  }

  function fetchHits() {
    var q = input.value.trim();
    var mine = ++seq;
    if (controller) controller.abort();
    if (q === "") { shown = ""; pendingEnter = false; render([]); status.textContent = "Type a name or a ref."; return; }
    controller = new AbortController();
    fetch("/search?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal })
      .then(function (res) {
        if (!res.ok || (res.headers.get("Content-Type") || "").indexOf("application/json") !== 0) throw new Error("status " + res.status);
        return res.json();
      })
      .then(function (data) {
        if (mine !== seq) return;
        shown = q;
        render(data || []);
        status.textContent = hits.length ? hits.length + (hits.length === 1 ? " match" : " matches") : "Nothing matches “" + q + "”.";
        if (pendingEnter) { pendingEnter = false; if (hits.length) go(active); }
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (mine !== seq) return;
        render([]);
        pendingEnter = false;
        status.textContent = "Could not search. Reload the page and try again.";
      });
  }

  function render(data) {
    hits = data;
    active = hits.length ? 0 : -1;
    list.replaceChildren();
    hits.forEach(function (h, i) {
      var li = document.createElement("li");
      li.id = "switcher-opt-" + i;
      li.className = "switcher-option";
      li.setAttribute("role", "option");
      li.setAttribute("data-index", String(i));
      li.setAttribute("data-testid", "switcher-option");
      var kind = document.createElement("span");
      kind.className = "badge switcher-kind";
      kind.textContent = KIND[h.kind] || h.kind;
      var name = document.createElement("span");
      name.className = "switcher-name truncate";
      name.textContent = h.name;
      var where = document.createElement("span");
      where.className = "switcher-where muted small truncate";
      where.textContent = [h.app, h.detail, h.ref].filter(Boolean).join(" · ");
      li.append(kind, name, where);
      list.appendChild(li);
    });
    input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    highlight();
  }

  function highlight() {
    list.querySelectorAll("[role=option]").forEach(function (li, i) {
      li.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "switcher-opt-" + active);
      var li = document.getElementById("switcher-opt-" + active);
      if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function go(i) {
    var h = hits[i];
    if (!h || !h.url || h.url.charAt(0) !== "/") return;
    window.location.assign(h.url);
  }

  function onKey(evt) {
    switch (evt.key) {
      case "ArrowDown":
        evt.preventDefault();
        if (hits.length) { active = (active + 1) % hits.length; highlight(); }
        break;
      case "ArrowUp":
        evt.preventDefault();
        if (hits.length) { active = (active - 1 + hits.length) % hits.length; highlight(); }
        break;
      case "Home":
      case "End":
        if (hits.length && evt.ctrlKey) { evt.preventDefault(); active = evt.key === "Home" ? 0 : hits.length - 1; highlight(); }
        break;
      case "Enter":
        evt.preventDefault();
        // Typed faster than the search answers: search now and open the first match.
        if (input.value.trim() !== shown) { clearTimeout(timer); pendingEnter = true; fetchHits(); return; }
        go(active);
        break;
      case "Tab":
        evt.preventDefault(); // the input is the dialog's one stop
        break;
    }
  }

  document.addEventListener("keydown", function (evt) {
    if (!(evt.ctrlKey || evt.metaKey) || evt.altKey || evt.shiftKey || (evt.key !== "k" && evt.key !== "K")) return;
    if (!document.body || !document.body.classList.contains("shell")) return; // signed-in pages only
    evt.preventDefault();
    open();
  });
})();
