// Paywall editor: colour pickers mirror their hex fields (both ways), and the image drop zone
// uploads a file as soon as it is chosen or dropped.
(function () {
	"use strict";
	document.addEventListener("input", function (e) {
		var t = e.target;
		if (t.matches("input[type=color][data-color-for]")) {
			var field = document.getElementById(t.dataset.colorFor);
			if (field) {
				field.value = t.value.toUpperCase();
				field.dispatchEvent(new Event("input", { bubbles: true }));
			}
		} else if (t.id && /^f-theme\[/.test(t.id) && /^#[0-9A-Fa-f]{6}$/.test(t.value)) {
			var picker = document.querySelector('input[type=color][data-color-for="' + t.id + '"]');
			if (picker) picker.value = t.value.toLowerCase();
		}
	});
	function upload(zone, files) {
		var input = zone.querySelector("input[type=file]");
		if (!input || !files || !files.length) return;
		if (files !== input.files) {
			var dt = new DataTransfer();
			dt.items.add(files[0]);
			input.files = dt.files;
		}
		zone.classList.add("uploading");
		if (typeof zone.requestSubmit === "function") zone.requestSubmit(); else zone.submit();
	}
	document.addEventListener("change", function (e) {
		var zone = e.target.closest && e.target.closest("form.dropzone");
		if (zone && e.target.type === "file") upload(zone, e.target.files);
	});
	["dragenter", "dragover"].forEach(function (type) {
		document.addEventListener(type, function (e) {
			var zone = e.target.closest && e.target.closest("form.dropzone");
			if (!zone) return;
			e.preventDefault();
			zone.classList.add("dragover");
		});
	});
	document.addEventListener("dragleave", function (e) {
		var zone = e.target.closest && e.target.closest("form.dropzone");
		if (zone && !zone.contains(e.relatedTarget)) zone.classList.remove("dragover");
	});
	document.addEventListener("drop", function (e) {
		var zone = e.target.closest && e.target.closest("form.dropzone");
		if (!zone) return;
		e.preventDefault();
		zone.classList.remove("dragover");
		upload(zone, e.dataTransfer.files);
	});
})();
