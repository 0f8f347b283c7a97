// Paywall editor: the "12 / 60" beside a copy field's label follows what is typed, and warns past
// the template's limit (data-limit, rendered by the server). Markdown in the body is stripped
// roughly; publishing counts the rendered text exactly.
(function () {
	"use strict";
	function visible(field, text) {
		if (field === "body" || field === "footer") {
			text = text.replace(/<!--[\s\S]*?-->/g, " ").replace(/<[^>]*>/g, " ")
				.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[*_`#>~|]/g, "");
		}
		return text.trim().split(/\s+/).filter(Boolean).join(" ");
	}
	function update(count) {
		var input = document.getElementById(count.dataset.for);
		var limit = parseInt(count.dataset.limit, 10);
		if (!input || !limit) return;
		var n = Array.from(visible(count.dataset.field, input.value)).length;
		var over = n > limit;
		count.querySelector("[data-count-text]").textContent = n + " / " + limit;
		count.querySelector("[data-count-warning]").hidden = !over;
		count.classList.toggle("copy-count-over", over);
	}
	function all(root) {
		(root || document).querySelectorAll("[data-copy-count]").forEach(update);
	}
	document.addEventListener("input", function (e) {
		var t = e.target;
		if (!t.id) return;
		document.querySelectorAll("[data-copy-count]").forEach(function (c) {
			if (c.dataset.for === t.id) update(c);
		});
	});
	document.addEventListener("htmx:afterSwap", function () { all(document); });
	if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { all(document); });
	else all(document);
})();
