// Nami control center: the few behaviours htmx does not cover. No dependencies, no inline
// scripts (the CSP allows only script-src 'self'); every handler is delegated from document, so
// content swapped in by htmx works without re-binding.
(function () {
  "use strict";

  // ---------- htmx: CSRF header and error toasts ----------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    var token = csrfToken();
    if (token) evt.detail.headers["X-CSRF-Token"] = token;
  });

  // toast shows a one-line message in the #flash slot, replacing what was there.
  function toast(kind, message) {
    var slot = document.getElementById("flash");
    if (!slot) return;
    var div = document.createElement("div");
    div.className = "flash flash-" + kind;
    div.setAttribute("role", kind === "error" ? "alert" : "status");
    div.setAttribute("data-testid", "flash");
    div.textContent = message;
    slot.replaceChildren(div);
    scheduleDismiss(slot);
  }

  // errorText turns an error response into a short sentence a person can read.
  function errorText(xhr) {
    var text = ((xhr && xhr.responseText) || "").trim();
    if (text && text.charAt(0) !== "<" && text.charAt(0) !== "{" && text.length <= 300) return text;
    var status = xhr ? xhr.status : 0;
    if (status === 403) return "You are not allowed to do that, or your session expired. Reload the page and try again.";
    if (status === 404) return "It is not there any more. Reload the page to see the latest.";
    if (status === 429) return "Too many attempts. Wait a moment and try again.";
    return "Something went wrong" + (status ? " (" + status + ")" : "") + ". Try again in a moment.";
  }

  document.addEventListener("htmx:responseError", function (evt) {
    toast("error", errorText(evt.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function () {
    toast("error", "Could not reach the server. Check your connection and try again.");
  });

  // Toasts in the signed-in shell: a click dismisses one; success messages leave on their own.
  function dismiss(el) {
    if (!el || !el.parentNode) return;
    el.classList.add("leaving");
    setTimeout(function () { if (el.parentNode) el.parentNode.removeChild(el); }, 200);
  }

  function scheduleDismiss(root) {
    if (!document.body.classList.contains("shell")) return;
    var scope = root || document;
    scope.querySelectorAll(".flash-slot > .flash-success:not([data-timed])").forEach(function (el) {
      el.setAttribute("data-timed", "");
      setTimeout(function () { dismiss(el); }, 6000);
    });
  }

  document.addEventListener("click", function (evt) {
    var t = evt.target.closest(".shell .flash-slot > .flash");
    if (t) dismiss(t);
  });

  // ---------- Confirmation for plain forms ----------
  // Forms posted by htmx ask through hx-confirm; asking here as well would prompt twice.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (!question || form.hasAttribute("hx-post")) return;
    if (!window.confirm(question)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  });

  // ---------- Copy to clipboard ----------

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http on a LAN address has no clipboard API: fall back to a selected textarea.
    return new Promise(function (resolve, reject) {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-copy]");
    if (!btn) return;
    evt.preventDefault();
    var label = btn.getAttribute("data-label") || btn.textContent;
    btn.setAttribute("data-label", label);
    copyText(btn.getAttribute("data-copy")).then(function () {
      btn.textContent = "Copied";
      btn.classList.add("copied");
    }, function () {
      btn.textContent = "Press Ctrl+C";
    }).then(function () {
      clearTimeout(btn._copyTimer);
      btn._copyTimer = setTimeout(function () {
        btn.textContent = label;
        btn.classList.remove("copied");
      }, 1500);
    });
  });

  // ---------- Slugs from names ----------
  // Typing in input[data-slug-source=X] fills the field X of the same form, as long as X is empty
  // or still holds the slug this script last put there (the user has not edited it by hand).

  function slugify(s) {
    return s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64)
      .replace(/-+$/, "");
  }

  document.addEventListener("input", function (evt) {
    var src = evt.target;
    if (!(src instanceof HTMLInputElement) || !src.form) return;
    var name = src.getAttribute("data-slug-source");
    if (!name) return;
    var target = src.form.elements.namedItem(name);
    if (!(target instanceof HTMLInputElement)) return;
    var auto = target.getAttribute("data-slug-auto");
    if (target.value !== "" && target.value !== auto) return;
    var slug = slugify(src.value);
    target.value = slug;
    target.setAttribute("data-slug-auto", slug);
  });

  // ---------- Mobile sidebar ----------
  // While open, the sidebar is a modal menu: the page behind it is inert, focus moves into it and
  // Tab cycles within it; closing returns focus to the menu button.

  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'),
      function (el) { return el.getClientRects().length > 0 && !el.closest("[inert]"); });
  }

  function setNav(open) {
    var wasOpen = document.body.classList.contains("nav-open");
    document.body.classList.toggle("nav-open", open);
    document.querySelectorAll("[data-toggle-nav]:not(.nav-close)").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var sidebar = document.querySelector(".sidebar");
    document.querySelectorAll(".shell > .main-col, .shell > .skip").forEach(function (el) { el.inert = open; });
    if (open && !wasOpen && sidebar) {
      // The sidebar becomes visible with its transition; focus it once it can take focus.
      requestAnimationFrame(function () {
        var first = focusables(sidebar)[0];
        if (first) first.focus();
      });
    } else if (!open && wasOpen) {
      var active = document.activeElement;
      if (!active || active === document.body || (sidebar && sidebar.contains(active))) {
        var toggle = document.querySelector(".topbar [data-toggle-nav]");
        if (toggle) toggle.focus();
      }
    }
  }

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Tab" || !document.body.classList.contains("nav-open")) return;
    var sidebar = document.querySelector(".sidebar");
    if (!sidebar) return;
    var items = focusables(sidebar);
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    var active = document.activeElement;
    if (evt.shiftKey && (active === first || !sidebar.contains(active))) {
      evt.preventDefault();
      last.focus();
    } else if (!evt.shiftKey && (active === last || !sidebar.contains(active))) {
      evt.preventDefault();
      first.focus();
    }
  });

  // Widening the window past the phone layout closes the menu, so the page is never left inert.
  if (window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 1100px)");
    var onWidth = function () { if (!narrow.matches && document.body.classList.contains("nav-open")) setNav(false); };
    if (narrow.addEventListener) narrow.addEventListener("change", onWidth);
  }

  document.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-toggle-nav]")) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    // A click outside the open sidebar (on the dimmed page) closes it.
    if (document.body.classList.contains("nav-open") && !evt.target.closest(".sidebar")) {
      setNav(false);
    }
    // A click outside the app switcher closes it.
    document.querySelectorAll("details.app-switch[open]").forEach(function (d) {
      if (!d.contains(evt.target)) d.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    if (document.body.classList.contains("nav-open")) {
      setNav(false);
      var toggle = document.querySelector(".topbar [data-toggle-nav]");
      if (toggle) toggle.focus();
    }
    document.querySelectorAll("details.app-switch[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });

  // ---------- Auto-submitting selects ----------

  document.addEventListener("change", function (evt) {
    var sel = evt.target;
    if (!(sel instanceof HTMLSelectElement) || !sel.hasAttribute("data-autosubmit") || !sel.form) return;
    if (typeof sel.form.requestSubmit === "function") {
      sel.form.requestSubmit();
    } else {
      sel.form.submit();
    }
  });

  function hideAutosubmitButtons(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      if (!sel.form) return;
      sel.form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach(function (b) {
        b.hidden = true;
      });
    });
  }

  // ---------- Subscription-only product fields ----------
  // Period and trial mean nothing for one-time purchases: hide them and clear them, but remember
  // the values so switching back to "subscription" restores what was there.

  function applyKind(sel) {
    var form = sel.form;
    if (!form) return;
    var isSub = sel.value === "subscription";
    form.querySelectorAll("[data-subscription-only]").forEach(function (input) {
      var wrap = input.closest(".field") || input;
      if (isSub) {
        if (wrap.hidden && input.value === "" && input.hasAttribute("data-kept-value")) {
          input.value = input.getAttribute("data-kept-value");
        }
        wrap.hidden = false;
        input.disabled = false;
      } else {
        if (input.value !== "") input.setAttribute("data-kept-value", input.value);
        input.value = "";
        wrap.hidden = true;
      }
    });
  }

  document.addEventListener("change", function (evt) {
    var sel = evt.target;
    if (sel instanceof HTMLSelectElement && sel.hasAttribute("data-kind")) applyKind(sel);
  });

  // ---------- Tabs: arrow keys and a roving tabindex ----------
  // A [data-tablist] is one Tab stop (its selected tab); Left, Right, Home and End move focus
  // between its tabs, and Enter or Space opens the focused one (its button's own action).

  document.addEventListener("keydown", function (evt) {
    var tab = evt.target.closest && evt.target.closest('[data-tablist] [role="tab"]');
    if (!tab || evt.altKey || evt.ctrlKey || evt.metaKey) return;
    var tabs = Array.prototype.slice.call(tab.closest("[data-tablist]").querySelectorAll('[role="tab"]'));
    var i = tabs.indexOf(tab), next = -1;
    var rtl = getComputedStyle(tab).direction === "rtl";
    switch (evt.key) {
      case "ArrowRight": next = rtl ? i - 1 : i + 1; break;
      case "ArrowLeft": next = rtl ? i + 1 : i - 1; break;
      case "Home": next = 0; break;
      case "End": next = tabs.length - 1; break;
      default: return;
    }
    evt.preventDefault();
    next = (next + tabs.length) % tabs.length;
    tabs.forEach(function (t, j) { t.setAttribute("tabindex", j === next ? "0" : "-1"); });
    tabs[next].focus();
  });

  // ---------- Focus across htmx swaps ----------
  // A swap replaces the focused button or field with a new copy, and focus would fall to <body>.
  // Before the swap we remember what had focus (its id, data-testid and position, or name) and
  // the trigger's data-focus-after; after it we focus the named target or the new copy of the
  // same element (views/focus.go describes data-focus-after).

  var pendingFocus = null;

  function focusKey(el) {
    if (!el || el === document.body || !el.isConnected) return null;
    var key = { el: el, id: el.id || "", testid: el.getAttribute("data-testid") || "", name: el.getAttribute("name") || "", index: -1 };
    if (key.testid) {
      key.index = Array.prototype.indexOf.call(document.querySelectorAll('[data-testid="' + cssEscape(key.testid) + '"]'), el);
    }
    return key;
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
  }

  function usable(el) {
    return !!el && el.isConnected && !el.disabled && !el.closest("[inert], [hidden]") && el.getClientRects().length > 0;
  }

  // sameIndex is the position the trigger had among the matches of sel before the swap.
  function targetFrom(spec, trigger, before) {
    var alternatives = spec.split("||");
    for (var k = 0; k < alternatives.length; k++) {
      var sel = alternatives[k].trim(), mode = "first";
      var m = /\s@(last|same)$/.exec(sel);
      if (m) { mode = m[1]; sel = sel.slice(0, m.index).trim(); }
      var found;
      try { found = Array.prototype.slice.call(document.querySelectorAll(sel)); } catch (e) { continue; }
      if (mode === "last") found = found.slice(-1);
      if (mode === "same") {
        var i = before[sel];
        found = i >= 0 && i < found.length ? [found[i]] : [];
      }
      for (var j = 0; j < found.length; j++) if (usable(found[j])) return found[j];
    }
    return null;
  }

  function targetFromKey(key) {
    var el;
    if (key.id) {
      el = document.getElementById(key.id);
      if (usable(el)) return el;
    }
    if (key.testid) {
      var all = document.querySelectorAll('[data-testid="' + cssEscape(key.testid) + '"]');
      if (key.index >= 0 && usable(all[Math.min(key.index, all.length - 1)])) return all[Math.min(key.index, all.length - 1)];
      for (var i = 0; i < all.length; i++) if (usable(all[i])) return all[i];
    }
    if (key.name) {
      el = document.getElementsByName(key.name)[0];
      if (usable(el)) return el;
    }
    return null;
  }

  function moveFocus(el) {
    if (!el.matches('a[href], button, input, select, textarea, summary, [tabindex]')) el.setAttribute("tabindex", "-1");
    el.focus();
    revealFocused(el);
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    // A response htmx will not swap (an error, a 204) settles nothing: forget, or a later swap
    // elsewhere would move focus to this one's target.
    if (!evt.detail.shouldSwap) { pendingFocus = null; return; }
    var trigger = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    var active = document.activeElement;
    var spec = trigger && trigger.getAttribute && trigger.getAttribute("data-focus-after");
    var key = focusKey(active);
    if (!spec && !key) { pendingFocus = null; return; }
    var before = {};
    if (spec && trigger) {
      spec.split("||").forEach(function (alt) {
        var m = /^(.*)\s@same$/.exec(alt.trim());
        if (!m) return;
        try { before[m[1].trim()] = Array.prototype.indexOf.call(document.querySelectorAll(m[1].trim()), trigger); } catch (e) { /* a bad selector is skipped */ }
      });
    }
    // Only a swap that takes focus with it is handled: one whose target holds the focused element.
    var target = evt.detail.target;
    var holds = target && active && (target === active || target.contains(active));
    pendingFocus = holds || spec ? { spec: spec, trigger: trigger, before: before, key: key } : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var p = pendingFocus;
    pendingFocus = null;
    if (!p) return;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !(p.key && active === p.key.el && p.spec)) {
      // htmx itself refocuses an element with the same id, but without scrolling to it.
      revealFocused(active);
      return;
    }
    var el = (p.spec && targetFrom(p.spec, p.trigger, p.before)) || (p.key && targetFromKey(p.key));
    if (el) moveFocus(el);
  });

  // revealFocused scrolls the focused element into view when it is off screen or under a sticky
  // bar (the top bar, a form's save bar): scrollIntoView honours html's scroll-padding, which
  // leaves room for both, where the browser's own focus scrolling may not.
  function revealFocused(el) {
    if (!el || !el.getBoundingClientRect || el.closest(".sidebar, .topbar, .save-bar, dialog")) return;
    var r = el.getBoundingClientRect();
    if (!r.width && !r.height) return;
    var top = 0, bottom = window.innerHeight;
    var bar = document.querySelector(".topbar");
    if (bar && getComputedStyle(bar).position === "sticky") top = Math.max(top, bar.getBoundingClientRect().bottom);
    var save = el.form ? el.form.querySelector(".save-bar") : document.querySelector(".save-bar");
    if (save) bottom = Math.min(bottom, save.getBoundingClientRect().top);
    if (r.top < top || r.bottom > bottom) el.scrollIntoView({ block: r.height > bottom - top ? "start" : "nearest" });
  }

  document.addEventListener("focusin", function (evt) {
    var el = evt.target;
    // After the browser's own scrolling for the focus change.
    requestAnimationFrame(function () { if (document.activeElement === el) revealFocused(el); });
  });

  // ---------- Set-up of new content: the first page and every htmx swap ----------

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    hideAutosubmitButtons(root);
    root.querySelectorAll("select[data-kind]").forEach(applyKind);
    scheduleDismiss(document);
  }

  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  document.addEventListener("htmx:afterSwap", function (evt) {
    init(evt.detail.target && evt.detail.target.isConnected ? evt.detail.target : document);
  });
  document.addEventListener("htmx:oobAfterSwap", function () { scheduleDismiss(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }

  // ---------- Bulk bars: how many rows are selected; nothing to act on disables the actions ----------
  function countBulk(form) {
    var n = document.querySelectorAll('input.row-check[form="' + form.id + '"]:checked').length;
    var out = form.querySelector("[data-bulk-count]");
    if (out) out.textContent = n ? n + " selected" : "";
    form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = n === 0; });
  }
  function countAllBulk() { document.querySelectorAll("form.bulk-bar[id]").forEach(countBulk); }
  document.addEventListener("change", function (e) {
    var f = e.target.matches && e.target.matches("input.row-check") && e.target.form;
    if (f) countBulk(f);
  });
  document.addEventListener("htmx:afterSettle", countAllBulk);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", countAllBulk);
  else countAllBulk();
})();
