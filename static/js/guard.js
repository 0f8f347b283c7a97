// Editors that never lose what the marketer typed. For every form marked data-guard:
// - it is dirty from the first keystroke (the "Unsaved changes" badge shows at once);
// - leaving the page with unsaved changes asks first (closing the tab, reloading, or an in-app link);
// - the fields are kept in localStorage while typing, and a page opened after a crash or a closed
//   tab offers to restore them (the server re-renders the form from them, lists included);
// - an htmx re-render never replaces a field the marketer changed while the request was in
//   flight: those fields keep what was typed;
// - Ctrl+S (Cmd+S on a Mac) saves the form in front.
(function () {
  "use strict";

  var PREFIX = "nami-draft:";
  var leaving = false; // a save or a confirmed departure is under way: do not ask again

  function forms() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-guard]"));
  }

  function guardedForm(el) {
    if (!el || !el.closest) return null;
    var f = el.form || el.closest("form");
    return f && f.hasAttribute("data-guard") ? f : null;
  }

  // values lists a form's fields as [name, value] pairs, in order, without the CSRF token and files.
  function values(form) {
    var out = [];
    new FormData(form).forEach(function (v, k) {
      if (k !== "_csrf" && !ignored(k) && typeof v === "string") out.push([k, v]);
    });
    return out;
  }

  // ignored names fields that choose how the page shows the draft (the preview's platform,
  // language and device), not what is saved.
  function ignored(name) {
    return name.indexOf("preview_") === 0;
  }

  function byName(pairs) {
    var m = {};
    pairs.forEach(function (p) { (m[p[0]] = m[p[0]] || []).push(p[1]); });
    return m;
  }

  function same(a, b) {
    return (a || []).join("\u0000") === (b || []).join("\u0000");
  }

  function key(form) {
    return PREFIX + location.pathname + "#" + form.id;
  }

  function version(form) {
    var v = form.querySelector('input[name="version"]');
    return v ? v.value : "";
  }

  // ---------- Dirty state and the badge ----------

  function setDirty(form, dirty) {
    if (dirty) form.setAttribute("data-dirty", "");
    else form.removeAttribute("data-dirty");
    form.querySelectorAll("[data-unsaved]").forEach(function (b) { b.hidden = !dirty; });
  }

  function anyDirty() {
    return forms().some(function (f) { return f.hasAttribute("data-dirty"); });
  }

  // A form the server rendered with unsaved changes (after an action, or a refused save) is dirty.
  function adopt(root) {
    forms().forEach(function (f) {
      if (!root || root.contains(f) || f.contains(root)) {
        var badge = f.querySelector("[data-unsaved]");
        if (badge && !badge.hidden) { setDirty(f, true); keep(f); }
      }
    });
  }

  var timers = {};
  function store(form, submitted) {
    clearTimeout(timers[form.id]);
    delete timers[form.id];
    try {
      localStorage.setItem(key(form), JSON.stringify({ version: version(form), at: Date.now(), values: values(form), submitted: !!submitted }));
    } catch (e) { /* storage full or disabled: the warning before leaving still protects */ }
  }
  function keep(form) {
    clearTimeout(timers[form.id]);
    timers[form.id] = setTimeout(function () { store(form); }, 250);
  }
  // flush stores at once what is waiting to be stored: the page may be about to go.
  function flush() {
    forms().forEach(function (f) { if (timers[f.id]) store(f); });
  }
  window.addEventListener("pagehide", flush);

  function edited(evt) {
    var f = guardedForm(evt.target);
    if (!f || evt.target.name === "_csrf" || evt.target.type === "file" || ignored(evt.target.name || "")) return;
    setDirty(f, true);
    keep(f);
  }
  document.addEventListener("input", edited);
  document.addEventListener("change", edited);

  // ---------- Leaving ----------

  document.addEventListener("submit", function (evt) {
    var f = evt.target;
    if (!(f instanceof HTMLFormElement)) return;
    if (f.hasAttribute("data-guard")) {
      // Kept until a page shows the saved version: a save refused, a session that expired or
      // a dropped connection must not lose the edits.
      leaving = true;
      store(f, true);
    } else if (!f.hasAttribute("hx-post") && !f.hasAttribute("hx-get") && anyDirty()) {
      // Another plain form of the page (delete, publish...) would drop the unsaved edits.
      if (!window.confirm("You have unsaved changes on this page. Continue without saving them?")) {
        evt.preventDefault();
        evt.stopImmediatePropagation();
        return;
      }
      leaving = true;
    }
  });

  window.addEventListener("pageshow", function () { leaving = false; });

  window.addEventListener("beforeunload", function (evt) {
    if (leaving || !anyDirty()) return;
    flush();
    evt.preventDefault();
    evt.returnValue = "";
  });

  document.addEventListener("click", function (evt) {
    var a = evt.target.closest && evt.target.closest("a[href]");
    if (!a || evt.defaultPrevented || a.target === "_blank" || a.hasAttribute("download") || !anyDirty()) return;
    if (evt.button !== 0 || evt.ctrlKey || evt.metaKey || evt.shiftKey || evt.altKey) return; // a new tab or window
    var href = a.getAttribute("href");
    if (!href || href.charAt(0) === "#" || (a.protocol !== "http:" && a.protocol !== "https:")) return;
    flush();
    if (!window.confirm("You have unsaved changes on this page. Leave without saving them?")) {
      evt.preventDefault();
      return;
    }
    leaving = true;
  }, true);

  // ---------- Ctrl/Cmd+S ----------

  document.addEventListener("keydown", function (evt) {
    if (!(evt.ctrlKey || evt.metaKey) || evt.altKey || (evt.key !== "s" && evt.key !== "S")) return;
    if (evt.repeat || leaving || document.querySelector("dialog[open]")) { evt.preventDefault(); return; }
    var f = guardedForm(document.activeElement) || forms()[0];
    if (!f) return;
    evt.preventDefault();
    var save = f.querySelector('[type="submit"]');
    if (save && !save.disabled) f.requestSubmit(save);
  });

  // ---------- Restoring a draft kept in the browser ----------

  function offerRestore(form) {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.values) return;
    if (saved.submitted && saved.version !== version(form)) {
      localStorage.removeItem(key(form)); // it was saved: the page shows a newer version
      return;
    }
    var url = form.getAttribute("data-guard-restore");
    var target = form.getAttribute("data-guard-target");
    var now = byName(values(form));
    var kept = byName(saved.values);
    var differs = Object.keys(kept).concat(Object.keys(now)).some(function (k) { return k !== "version" && !same(now[k], kept[k]); });
    if (!differs || !url || !target || form.querySelector("[data-draft-restore]")) {
      if (!differs) localStorage.removeItem(key(form));
      return;
    }
    var when = new Date(saved.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    var box = document.createElement("div");
    box.className = "flash flash-info draft-restore";
    box.setAttribute("role", "status");
    box.setAttribute("data-draft-restore", "");
    box.setAttribute("data-testid", "draft-restore");
    var text = document.createElement("span");
    text.textContent = "You have edits from " + when + " that were never saved" +
      (saved.version !== version(form) ? " (made on an older version: saving them will show what changed since)" : "") + ".";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-primary";
    restore.textContent = "Restore them";
    restore.setAttribute("data-testid", "restore-draft");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm";
    discard.textContent = "Discard";
    discard.setAttribute("data-testid", "discard-draft");
    box.append(text, restore, discard);
    form.prepend(box);
    discard.addEventListener("click", function () {
      localStorage.removeItem(key(form));
      box.remove();
    });
    restore.addEventListener("click", function () {
      var vals = {};
      saved.values.forEach(function (p) {
        if (p[0] === "version") return;
        if (vals[p[0]] === undefined) vals[p[0]] = p[1];
        else vals[p[0]] = [].concat(vals[p[0]], p[1]);
      });
      // The version the edits were made on: if someone saved since, saving them shows what
      // changed instead of silently undoing it.
      vals.version = saved.version || version(form);
      vals.op = "restore";
      window.htmx.ajax("POST", url, { target: target, swap: "outerHTML", values: vals }).then(function () {
        var f = document.getElementById(form.id);
        if (f) { setDirty(f, true); keep(f); }
      });
    });
  }

  // ---------- Fields typed while an htmx request was in flight ----------

  var inflight = []; // {form id, sent values, op, arg}

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    var f = guardedForm(elt) || (elt.closest && elt.closest("[data-guard-scope]") && elt.closest("[data-guard-scope]").querySelector("form[data-guard]"));
    if (!f) return;
    var op = "", arg = "";
    try {
      var hv = JSON.parse(elt.getAttribute("hx-vals") || "{}");
      op = hv.op || "";
      arg = hv.arg || "";
    } catch (e) { /* no op */ }
    inflight.push({ xhr: evt.detail.xhr, id: f.id, sent: byName(values(f)), op: op, arg: arg });
  });

  // renamed maps a field name of the page before the swap to its name after an action that
  // removed a row: rows after the removed one move up by one; the removed row's fields are gone.
  function renamed(name, op, arg) {
    var lists = { remove_variant: "variants", remove_condition: "audience[conditions]", remove_product: "products",
      up: "products", down: "products" };
    var list = lists[op];
    if (!list) return name;
    if (name.indexOf(list + "[") !== 0) return name;
    var m = name.slice(list.length).match(/^\[(\d+)\](.*)$/);
    if (!m) return name;
    var i = parseInt(m[1], 10), at = parseInt(arg, 10), to = i;
    if (op === "up" || op === "down") {
      // The row moved swaps places with its neighbour.
      var other = op === "up" ? at - 1 : at + 1;
      if (i === at) to = other;
      else if (i === other) to = at;
    } else if (i === at) {
      return null; // the removed row's fields are gone
    } else if (i > at) {
      to = i - 1;
    }
    return list + "[" + to + "]" + m[2];
  }

  function setField(form, name, vals) {
    var fields = Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
    if (fields.length === 0) return;
    var first = fields[0];
    if (first.type === "checkbox" || first.type === "radio") {
      fields.forEach(function (el) { el.checked = vals.indexOf(el.value) >= 0; });
    } else if (first.tagName === "SELECT" && first.multiple) {
      Array.prototype.forEach.call(first.options, function (o) { o.selected = vals.indexOf(o.value) >= 0; });
    } else {
      fields.forEach(function (el, i) { if (i < vals.length) el.value = vals[i]; });
    }
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    inflight.forEach(function (r) {
      if (r.xhr !== xhr) return;
      var f = document.getElementById(r.id);
      if (!f) return;
      var now = byName(values(f));
      var typed = {};
      Object.keys(now).forEach(function (k) {
        if (k !== "version" && !same(now[k], r.sent[k])) {
          var to = renamed(k, r.op, r.arg);
          if (to) typed[to] = now[k];
        }
      });
      // Checkboxes left unchecked send nothing: a box unticked in flight is a change too.
      Object.keys(r.sent).forEach(function (k) {
        if (now[k] === undefined && k !== "version") {
          var to = renamed(k, r.op, r.arg);
          if (to) typed[to] = [];
        }
      });
      r.typed = typed;
    });
  });

  document.addEventListener("htmx:afterSwap", function (evt) {
    var xhr = evt.detail.xhr;
    inflight = inflight.filter(function (r) {
      if (r.xhr !== xhr) return true;
      var f = document.getElementById(r.id);
      if (f && r.typed) {
        var names = Object.keys(r.typed);
        names.forEach(function (k) { setField(f, k, r.typed[k]); });
        if (names.length > 0) { setDirty(f, true); keep(f); }
      }
      return false;
    });
    adopt(evt.detail.target);
  });

  ["htmx:responseError", "htmx:sendError", "htmx:swapError", "htmx:sendAbort", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      var xhr = evt.detail.xhr;
      inflight = inflight.filter(function (r) { return r.xhr !== xhr; });
    });
  });

  function start() {
    adopt(null);
    forms().forEach(offerRestore);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
