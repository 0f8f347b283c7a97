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

  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    document.querySelectorAll("[data-toggle-nav]").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
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
    if (document.body.classList.contains("nav-open")) setNav(false);
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
})();
