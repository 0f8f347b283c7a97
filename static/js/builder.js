// Campaign builder: keep the variant weight total live while typing, and tell the server the
// marketer's time zone so schedules show in local time (stored in UTC).
(function () {
	"use strict";
	var zone = "";
	try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
	function total() {
		var out = document.querySelector("[data-weight-total]");
		if (!out) return;
		var sum = 0;
		document.querySelectorAll("input[data-weight]").forEach(function (i) {
			var n = parseInt(i.value, 10);
			if (!isNaN(n)) sum += n;
		});
		out.textContent = "Total " + sum + "%" + (sum === 100 ? "" : " — must be 100%");
		out.classList.toggle("ok", sum === 100);
		out.classList.toggle("bad", sum !== 100);
	}
	document.addEventListener("input", function (e) {
		if (e.target.matches && e.target.matches("input[data-weight]")) total();
	});
	// A template is applied only once one is chosen (the picker starts on "Choose a template…").
	document.addEventListener("change", function (e) {
		if (!e.target.matches || !e.target.matches("[data-template-select]")) return;
		var apply = document.querySelector("[data-apply-template]");
		if (apply) apply.disabled = e.target.value === "";
	});
	document.addEventListener("htmx:afterSwap", total);
	document.addEventListener("DOMContentLoaded", total);
	if (zone) {
		var had = document.cookie.split("; ").some(function (c) { return c === "tz=" + encodeURIComponent(zone); });
		document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
		var field = document.querySelector("input[data-tz]");
		if (!had && field && field.value !== zone && !document.querySelector("#builder [data-testid=unsaved]:not([hidden])")) {
			location.reload(); // show the schedule in the marketer's own zone from the first visit
		}
	}
	total();
})();
