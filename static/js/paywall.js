// Paywall behaviour: choose a plan, then hand the chosen SKU to the host app through whichever bridge
// exists (iOS WKWebView, Android WebView, or a parent window), and tell it when the user closes.
(function () {
	"use strict";
	function send(message) {
		var json = JSON.stringify(message);
		try {
			if (window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.nami) {
				window.webkit.messageHandlers.nami.postMessage(message);
				return;
			}
			if (window.NamiBridge && typeof window.NamiBridge.postMessage === "function") {
				window.NamiBridge.postMessage(json);
				return;
			}
			if (window.parent && window.parent !== window) {
				window.parent.postMessage(message, "*");
			}
		} catch (e) { /* a missing bridge must never break the page */ }
	}
	function select(button) {
		var group = button.closest(".pw-products");
		if (!group) return;
		group.querySelectorAll(".pw-product").forEach(function (b) {
			var on = b === button;
			b.classList.toggle("is-selected", on);
			b.setAttribute("aria-checked", on ? "true" : "false");
		});
		// Copy that names the selected plan (a product token) is drawn once per plan: show the chosen one's.
		var pw = button.closest(".pw");
		pw.querySelectorAll("[data-pw-for]").forEach(function (el) {
			el.hidden = el.getAttribute("data-pw-for") !== button.dataset.sku;
		});
	}
	// The editor redraws its preview as the marketer types: keep the plan they picked in it.
	var picked = {};
	document.addEventListener("htmx:afterSwap", function () {
		document.querySelectorAll(".pw[data-ref]").forEach(function (pw) {
			var sku = picked[pw.dataset.ref];
			var button = sku && Array.prototype.find.call(pw.querySelectorAll(".pw-product"), function (b) { return b.dataset.sku === sku; });
			if (button) select(button);
		});
	});
	document.addEventListener("click", function (e) {
		var product = e.target.closest(".pw .pw-product");
		if (product) {
			select(product);
			picked[product.closest(".pw").dataset.ref] = product.dataset.sku;
			send({ type: "select", sku: product.dataset.sku });
			return;
		}
		var pw = e.target.closest(".pw");
		if (!pw) return;
		var ref = pw.dataset.ref || "";
		if (e.target.closest("[data-pw-purchase]")) {
			var chosen = pw.querySelector(".pw-product.is-selected");
			send({ type: "purchase", paywall: ref, sku: chosen ? chosen.dataset.sku : null });
		} else if (e.target.closest("[data-pw-restore]")) {
			send({ type: "restore", paywall: ref });
		} else if (e.target.closest("[data-pw-close]")) {
			send({ type: "close", paywall: ref });
		}
	});
	document.addEventListener("DOMContentLoaded", function () { var pw = document.querySelector(".pw[data-ref]"); if (window.parent !== window) window.parent.postMessage({ type: "ready", paywall: pw ? pw.dataset.ref : null }, "*"); });
})();
