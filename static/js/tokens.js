// Paywall editor: the "Tokens" menu beside each copy field inserts {{product.price}} and the
// others at the cursor, as if typed, so the live preview, the length count and the unsaved-work
// guard all follow. "Show the selection only with a trial" wraps the selected text in a section.
(function () {
	"use strict";
	function insert(field, before, after) {
		var start = field.selectionStart, end = field.selectionEnd;
		if (typeof start !== "number") { start = end = field.value.length; }
		var chosen = field.value.slice(start, end);
		field.focus();
		field.setRangeText(before + chosen + after, start, end, "end");
		if (after && !chosen) {
			field.setSelectionRange(start + before.length, start + before.length);
		}
		field.dispatchEvent(new Event("input", { bubbles: true }));
	}
	document.addEventListener("click", function (e) {
		var item = e.target.closest(".token-menu-item");
		if (!item) return;
		var menu = item.closest("[data-token-menu]");
		var field = document.getElementById(menu.dataset.for);
		if (!field || field.readOnly || field.disabled) return;
		var plan = menu.querySelector("[data-token-plan]").value;
		if (item.dataset.token) {
			insert(field, "{{" + plan + "." + item.dataset.token + "}}", "");
		} else if (item.dataset.tokenSection) {
			var name = plan + "." + item.dataset.tokenSection;
			insert(field, "{{#" + name + "}}", "{{/" + name + "}}");
		}
		menu.open = false;
	});
	// Escape closes an open menu and returns to its field; a click elsewhere closes it too.
	document.addEventListener("keydown", function (e) {
		if (e.key !== "Escape") return;
		var menu = e.target.closest && e.target.closest("[data-token-menu][open]");
		if (!menu) return;
		menu.open = false;
		var field = document.getElementById(menu.dataset.for);
		if (field) field.focus();
	});
	document.addEventListener("click", function (e) {
		document.querySelectorAll("[data-token-menu][open]").forEach(function (m) {
			if (!m.contains(e.target)) m.open = false;
		});
	});
})();
