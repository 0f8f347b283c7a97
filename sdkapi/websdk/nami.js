/* Nami web SDK: offline decisions, web paywalls and durable events. Plain ES2017, no dependencies.
   Contract: docs/sdk-api.md (API and decision algorithm) and docs/web-sdk.md (this SDK). */
(() => {
	"use strict";
	const VERSION = "1.0.0";
	const FORMAT = "nami.snapshot/v1";
	const MAX_BATCH = 500; // events per batch (the server's limit)
	const MAX_BODY = 900000; // bytes per batch, under the server's 1 MB
	const BEACON_MAX = 60000; // bytes: sendBeacon and keepalive stop at 64 KB
	const REVALIDATE_MS = 60000; // config's max-age
	const cur = document.currentScript;
	const ORIGIN = cur && cur.src ? new URL(cur.src, location.href).origin : location.origin;
	const enc = new TextEncoder();
	const byteLen = (s) => enc.encode(s).length;
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

	// Storage: localStorage when it works, else memory (private modes, disabled or full storage):
	// a value that could not be stored stays in memory and wins over the stale stored one.
	const mem = {};
	const store = {
		get(k) {
			if (k in mem) return mem[k];
			try {
				const s = localStorage.getItem(k);
				if (s != null) return JSON.parse(s);
			} catch (e) { /* unreadable: none */ }
			return null;
		},
		// set reports whether the value reached localStorage.
		set(k, v) {
			try {
				localStorage.setItem(k, JSON.stringify(v));
				delete mem[k];
				return true;
			} catch (e) {
				mem[k] = v;
				try { localStorage.removeItem(k); } catch (e) { /* nothing stored */ }
				return false;
			}
		},
		del(k) {
			delete mem[k];
			try { localStorage.removeItem(k); } catch (e) { /* memory only */ }
		},
		// keys lists the keys that start with p, in memory and in localStorage.
		keys(p) {
			const ks = new Set(Object.keys(mem));
			try { for (let i = 0; i < localStorage.length; i++) ks.add(localStorage.key(i)); } catch (e) { /* memory only */ }
			return [...ks].filter((k) => k && k.startsWith(p));
		},
	};
	// timed runs f(signal) and aborts its request after ms.
	async function timed(ms, f) {
		const c = new AbortController(), t = setTimeout(() => c.abort(), ms);
		try { return await f(c.signal); } finally { clearTimeout(t); }
	}

	const uuid = () => crypto.randomUUID ? crypto.randomUUID() :
		"10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
			(c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));

	// ---- The decision algorithm (docs/sdk-api.md section 6), the same as engine.Decide. ----

	// sha256 is a plain implementation for pages without WebCrypto (insecure http origins).
	let K, H0;
	function sha256(m) {
		if (!K) {
			K = []; H0 = [];
			for (let c = 2, n = 0; n < 64; c++) {
				let prime = true;
				for (let d = 2; d * d <= c; d++) if (c % d === 0) { prime = false; break; }
				if (!prime) continue;
				if (n < 8) H0[n] = (Math.pow(c, 1 / 2) % 1) * 4294967296 | 0;
				K[n++] = (Math.pow(c, 1 / 3) % 1) * 4294967296 | 0;
			}
		}
		const len = m.length, total = ((len + 72) >> 6) << 6;
		const buf = new Uint8Array(total);
		buf.set(m);
		buf[len] = 0x80;
		const dv = new DataView(buf.buffer);
		dv.setUint32(total - 8, Math.floor(len / 536870912));
		dv.setUint32(total - 4, (len * 8) >>> 0);
		const h = H0.slice(), w = new Array(64);
		const rot = (x, n) => (x >>> n) | (x << (32 - n));
		for (let off = 0; off < total; off += 64) {
			for (let i = 0; i < 64; i++) {
				if (i < 16) w[i] = dv.getInt32(off + i * 4);
				else {
					const a = w[i - 15], b = w[i - 2];
					w[i] = (w[i - 16] + (rot(a, 7) ^ rot(a, 18) ^ (a >>> 3)) + w[i - 7] + (rot(b, 17) ^ rot(b, 19) ^ (b >>> 10))) | 0;
				}
			}
			let [a, b, c, d, e, f, g, hh] = h;
			for (let i = 0; i < 64; i++) {
				const t1 = (hh + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
				const t2 = ((rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
				hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
			}
			[a, b, c, d, e, f, g, hh].forEach((v, i) => { h[i] = (h[i] + v) | 0; });
		}
		const out = new DataView(new ArrayBuffer(32));
		h.forEach((v, i) => out.setInt32(i * 4, v));
		return out.buffer;
	}

	// bucket(salt, campaignRef, deviceId): the first 8 bytes of SHA-256 big-endian, mod 10000.
	async function bucket(salt, ref, id, pure) {
		const data = enc.encode(salt + ":" + ref + ":" + id);
		const dv = new DataView(!pure && crypto.subtle ? await crypto.subtle.digest("SHA-256", data) : sha256(data));
		// (hi * 2^32 + lo) mod 10000, with 2^32 mod 10000 = 7296, exact in doubles.
		return ((dv.getUint32(0) % 10000) * 7296 + (dv.getUint32(4) % 10000)) % 10000;
	}

	// fold maps a code point to a representative of its simple case-folding orbit, as Go's
	// strings.EqualFold compares (no full mappings: ß is not ss; dotless ı folds to nothing else).
	function fold(ch) {
		if (ch < "\x80") return ch >= "A" && ch <= "Z" ? ch.toLowerCase() : ch;
		if (ch === "\u0131" || ch === "\u0130") return ch;
		const one = (s) => [...s].length === 1;
		const u = ch.toUpperCase();
		if (one(u)) {
			const l = u.toLowerCase();
			if (one(l)) return l;
		}
		const l = ch.toLowerCase();
		return one(l) ? l : ch;
	}
	function equalFold(a, b) {
		if (a === b) return true;
		const x = [...a], y = [...b];
		if (x.length !== y.length) return false;
		for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && fold(x[i]) !== fold(y[i])) return false;
		return true;
	}

	function parseNumber(s) {
		if (!/^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(s)) return null;
		const n = Number(s);
		return isFinite(n) ? n : null;
	}
	function parseVersion(s) {
		if (!/^[0-9]+(\.[0-9]+)*$/.test(s)) return null;
		return s.split(".").map((p) => p.replace(/^0+/, "") || "0");
	}
	function compareVersions(a, b) {
		for (let i = 0; i < Math.max(a.length, b.length); i++) {
			const x = a[i] || "0", y = b[i] || "0";
			if (x.length !== y.length) return x.length < y.length ? -1 : 1;
			if (x !== y) return x < y ? -1 : 1;
		}
		return 0;
	}

	// lookup returns the attribute's text, or null when not sent; language derives from locale.
	function lookup(attrs, name) {
		if (Object.prototype.hasOwnProperty.call(attrs, name)) return attrs[name];
		if (name !== "language" || !Object.prototype.hasOwnProperty.call(attrs, "locale")) return null;
		const lang = attrs.locale.split(/[-_]/)[0].replace(/[A-Z]/g, (c) => c.toLowerCase());
		return lang === "" ? null : lang;
	}

	function condition(c, attrs) {
		const v = lookup(attrs, c.attribute), vals = c.values || [], op = c.operator;
		if (op === "exists") return v !== null;
		if (op === "not_exists") return v === null;
		if (v === null) return false;
		switch (op) {
		case "in": return vals.some((w) => equalFold(v, w));
		case "not_in": return !vals.some((w) => equalFold(v, w));
		case "equals": return vals.length > 0 && equalFold(v, vals[0]);
		case "not_equals": return vals.length > 0 && !equalFold(v, vals[0]);
		case "greater_than": case "greater_or_equal": case "less_than": case "less_or_equal": {
			if (!vals.length) return false;
			let sign;
			if (c.attribute === "app_version" || c.attribute === "os_version") {
				const a = parseVersion(v), b = parseVersion(vals[0]);
				if (!a || !b) return false;
				sign = compareVersions(a, b);
			} else {
				const a = parseNumber(v), b = parseNumber(vals[0]);
				if (a === null || b === null) return false;
				sign = a < b ? -1 : a > b ? 1 : 0;
			}
			return op === "greater_than" ? sign > 0 : op === "greater_or_equal" ? sign >= 0 : op === "less_than" ? sign < 0 : sign <= 0;
		}
		}
		return false;
	}

	function audience(a, attrs) {
		const cs = (a && a.conditions) || [];
		if (!cs.length) return true;
		const match = a.match || "";
		if (match === "all" || match === "") return cs.every((c) => condition(c, attrs));
		if (match === "any") return cs.map((c) => condition(c, attrs)).some(Boolean);
		return false;
	}

	// instant parses an RFC 3339 time exactly: [milliseconds, the rest of the fraction in (0,1)].
	function instant(s) {
		const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/i.exec(s);
		if (!m) return [Date.parse(s), 0];
		const frac = (m[2] || "") + "000";
		return [Date.parse(m[1] + "." + frac.slice(0, 3) + m[3]), Number("0." + frac.slice(3))];
	}
	function inSchedule(c, now) {
		if (c.starts_at) { // starts_at <= now
			const [ms, sub] = instant(c.starts_at);
			if (now < ms || (now === ms && sub > 0)) return false;
		}
		if (c.ends_at) { // now < ends_at
			const [ms, sub] = instant(c.ends_at);
			if (!(now < ms || (now === ms && sub > 0))) return false;
		}
		return true;
	}

	// text turns attribute values into the texts the algorithm compares; null drops a key.
	function texts(attrs) {
		const out = {};
		for (const k of Object.keys(attrs || {})) {
			const v = attrs[k];
			if (typeof v === "string") out[k] = v;
			else if ((typeof v === "number" && isFinite(v)) || typeof v === "boolean") out[k] = String(v); // NaN: JSON's null
		}
		return out;
	}

	// decideSnapshot is the decision algorithm, free of side effects: the executable reference.
	async function decideSnapshot(snapshot, label, deviceId, attributes, now) {
		label = label == null ? "" : String(label);
		now = now == null ? Date.now() : +now;
		const attrs = texts(attributes);
		if (snapshot && snapshot.platform) attrs.platform = snapshot.platform.store;
		const none = { campaign: null, variant: null, holdout: false, paywall: null };
		const order = ((snapshot && snapshot.campaigns) || []).filter((c) => c.label === label)
			.sort((a, b) => b.priority - a.priority || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
		const c = order.find((c) => c.status === "live" && inSchedule(c, now) && audience(c.audience, attrs));
		if (!c) return none;
		const out = Object.assign(none, { campaign: c.ref });
		const threshold = Math.min(Math.max(c.holdout_percent | 0, 0), 100) * 100;
		if (await bucket("holdout", c.ref, deviceId) < threshold) {
			out.holdout = true;
			return out;
		}
		const b = await bucket("variant", c.ref, deviceId);
		let sum = 0;
		for (const v of c.variants || []) {
			sum += v.weight * 100;
			if (sum > b) {
				out.variant = v.ref;
				out.paywall = v.paywall;
				break;
			}
		}
		return out;
	}

	const validSnapshot = (d) => !!d && d.format === FORMAT && Number.isInteger(d.release) && Array.isArray(d.campaigns);
	const compact = (o) => { for (const k of Object.keys(o)) if (o[k] == null) delete o[k]; return o; };

	// ---- The client. ----

	class Client {
		constructor(o) {
			o = o || {};
			if (!/^pk_[A-Za-z0-9_]{16,64}$/.test(o.key || "")) throw new Error("Nami.configure: key must be a platform key (pk_...)");
			this.key = o.key;
			this.endpoint = String(o.endpoint || ORIGIN).replace(/\/+$/, "");
			this.base = this.endpoint + "/sdk/v1/platforms/" + o.key;
			this.timeout = o.timeout != null ? o.timeout : 2000;
			this.flushInterval = o.flushInterval != null ? o.flushInterval : 3000;
			this.attributes = Object.assign({}, o.attributes);
			this.ns = "nami:" + o.key + ":";
			this.ev = this.ns + "ev:"; // one key per queued event, so that tabs never overwrite each other
			this.log = o.log || ((msg) => console.warn("[nami] " + msg));
			let id = o.deviceId || store.get("nami:device_id");
			if (!id) this._set("nami:device_id", (id = uuid()));
			this.deviceId = id;
			let fb = o.fallback;
			try { if (typeof fb === "string") fb = JSON.parse(fb); } catch (e) { fb = null; }
			this.fallback = validSnapshot(fb) ? fb : null;
			const c = store.get(this.ns + "config");
			this.cache = c && validSnapshot(c.doc) ? c : null;
			this.snapshot = null;
			this.source = "none";
			this.batchMax = MAX_BATCH;
			this.backoff = 0;
			this.retryAt = 0; // no send before this (backoff or Retry-After)
			this.hardUntil = 0; // the server's Retry-After: even flush() waits for it
			this.waiters = [];
			this.lastCheck = 0;
			const old = store.get(this.ns + "events"); // the queue of SDK 1.0.0, one key for all
			if (Array.isArray(old)) { old.forEach((e) => this._put(e)); store.del(this.ns + "events"); }
			addEventListener("pagehide", () => this._beacon());
			addEventListener("online", () => { this.retryAt = this.hardUntil; this._kick(0); });
			addEventListener("storage", (e) => { if (!e.key || e.key.startsWith(this.ev)) this._settle(); });
			document.addEventListener("visibilitychange", () => {
				if (document.visibilityState !== "hidden" && this._ready) this._stale();
			});
			if (this._keys().length) this._kick(0);
		}

		get release() { return this.snapshot ? this.snapshot.release : null; }

		// ready resolves with {source, release} once a snapshot is in use, or with source "none";
		// it never rejects.
		ready() {
			if (!this._ready) this._ready = this._start();
			return this._ready;
		}

		async _start() {
			const cache = this.cache, fb = this.fallback;
			if (cache) {
				this._use(cache.doc, "cache");
				if (fb && fb.release > cache.doc.release) this._use(fb, "fallback");
				this.refresh();
			} else {
				await Promise.race([this.refresh(), sleep(this.timeout)]);
				if (!this.snapshot && fb) this._use(fb, "fallback");
			}
			return { source: this.source, release: this.release };
		}

		_use(doc, source) {
			this.snapshot = doc;
			this.source = source;
		}

		_stale() {
			if (Date.now() - this.lastCheck > REVALIDATE_MS) this.refresh();
		}

		// refresh revalidates the cached config with If-None-Match; true when a newer snapshot
		// was installed. It never rejects.
		refresh() {
			if (this._rv) return this._rv;
			this.lastCheck = Date.now();
			const p = this._rv = (async () => {
				try {
					const headers = {};
					if (this.cache && this.cache.etag) headers["If-None-Match"] = this.cache.etag;
					// A request that hangs is aborted, so that the next revalidation can start.
					const [r, text] = await timed(Math.max(this.timeout, 10000), async (signal) => {
						const r = await fetch(this.base + "/config", { headers, cache: "no-store", credentials: "omit", signal });
						return [r, r.ok && r.status !== 304 ? await r.text() : ""];
					});
					if (r.status === 304) return false;
					if (!r.ok) {
						this.log("config answered " + r.status + (r.status === 404 ? ": check the key (wrong, rotated, or nothing published); keeping the last snapshot" : ""));
						return false;
					}
					const doc = JSON.parse(text); // whole or nothing
					if (!validSnapshot(doc)) throw new Error("not a " + FORMAT + " document");
					if (this.snapshot && doc.release < this.snapshot.release) return false;
					this.cache = { etag: r.headers.get("ETag") || "", doc };
					this._set(this.ns + "config", this.cache);
					this._use(doc, "network");
					return true;
				} catch (e) {
					this.log("config: " + e.message);
					return false;
				} finally {
					if (this._rv === p) this._rv = null;
				}
			})();
			return p;
		}

		// decide makes the decision locally and records the exposure when a campaign is chosen.
		async decide(label, attributes) {
			await this.ready();
			this._stale();
			label = label == null ? "" : String(label);
			const d = await decideSnapshot(this.snapshot, label, this.deviceId, Object.assign({}, this.attributes, attributes));
			d.placement = label;
			if (d.campaign) {
				this.track({ type: "exposure", placement: label, campaign: d.campaign, variant: d.variant, holdout: d.holdout || null });
			}
			return d;
		}

		// present decides, shows the chosen paywall in an iframe and resolves with what the user did.
		async present(label, o) {
			o = o || {};
			const d = await this.decide(label, o.attributes);
			if (!d.paywall) return { action: "none", decision: d };
			const attrs = Object.assign({}, this.attributes, o.attributes);
			const locale = o.locale || attrs.locale || navigator.language || "";
			let url = this.base + "/paywalls/" + encodeURIComponent(d.paywall) + "?locale=" + encodeURIComponent(locale);
			if (o.device) url += "&device=" + encodeURIComponent(o.device);
			let host = typeof o.container === "string" ? document.querySelector(o.container) : o.container;
			let overlay = null, x;
			if (!host) {
				overlay = host = document.createElement("div");
				overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:#fff";
				// The overlay always has a way out, even when the paywall does not load.
				x = document.createElement("button");
				x.textContent = "\u00d7";
				x.setAttribute("aria-label", "Close");
				x.style.cssText = "position:absolute;top:8px;right:8px;z-index:1;width:44px;height:44px;border:0;border-radius:22px;background:rgba(0,0,0,.5);color:#fff;font:28px/1 sans-serif;cursor:pointer";
				overlay.appendChild(x);
				document.body.appendChild(overlay);
			}
			const frame = document.createElement("iframe");
			frame.src = url;
			frame.title = "Offer";
			frame.style.cssText = "border:0;width:100%;height:100%;display:block";
			const ctx = { placement: d.placement, campaign: d.campaign, variant: d.variant, paywall: d.paywall };
			const origin = new URL(this.endpoint, location.href).origin;
			const close = () => { frame.remove(); if (overlay) overlay.remove(); };
			return new Promise((resolve) => {
				let shown = false;
				const done = (r) => {
					removeEventListener("message", on);
					clearTimeout(timer);
					if (!o.keepOpen || r.action === "error") close();
					r.decision = d;
					r.close = close;
					resolve(r);
				};
				const closed = () => {
					if (shown) this.track(Object.assign({ type: "close" }, ctx));
					done({ action: "close" });
				};
				// The paywall says "ready" once loaded: an error page (offline, 5xx) never does.
				const timer = setTimeout(() => { if (!shown) this.log("the paywall did not load"), done({ action: "error" }); },
					o.timeout || Math.max(this.timeout, 10000));
				if (x) x.onclick = () => { closed(); close(); };
				const on = (e) => {
					if (e.source !== frame.contentWindow || e.origin !== origin || !e.data) return;
					const m = e.data;
					// Any message of the paywall (its "ready" first) proves it is shown.
					if (!shown) this.track(Object.assign({ type: "impression" }, ctx));
					shown = true;
					if (m.type === "purchase") {
						this.track(Object.assign({ type: "cta_tap" }, ctx));
						done({ action: "purchase", sku: m.sku || null });
					} else if (m.type === "close") {
						closed();
					} else if (m.type === "restore") {
						done({ action: "restore" });
					} else if (m.type === "select" && o.onSelect) {
						o.onSelect(m.sku);
					}
				};
				addEventListener("message", on);
				host.appendChild(frame);
			});
		}

		// track queues an event durably with its id made now; it returns the id.
		track(event) {
			if (!event || !event.type) throw new Error("Nami.track: the event needs a type");
			const e = Object.assign({}, event);
			const d = e.decision;
			delete e.decision;
			if (d) for (const k of ["placement", "campaign", "variant", "paywall"]) if (e[k] == null && d[k] != null) e[k] = d[k];
			e.id = e.id || uuid();
			e.device_id = e.device_id || this.deviceId;
			e.time = e.time || new Date().toISOString();
			// A number as a decimal the server takes: at most 4 decimals, no exponent.
			if (typeof e.revenue === "number") e.revenue = isFinite(e.revenue) ? e.revenue.toFixed(4).replace(/\.?0+$/, "") : null;
			this._put(compact(e));
			this._kick(this._keys().length >= MAX_BATCH ? 0 : this.flushInterval);
			return e.id;
		}

		// flush resolves with true once every event queued so far is acknowledged by the server
		// (or dropped as invalid), or with false after timeout ms when a timeout is given.
		flush(timeout) {
			const ids = this._ids();
			if (!ids.length) return Promise.resolve(true);
			return new Promise((resolve) => {
				const w = { ids, resolve };
				this.waiters.push(w);
				if (timeout > 0) setTimeout(() => {
					const i = this.waiters.indexOf(w);
					if (i >= 0) { this.waiters.splice(i, 1); resolve(false); }
				}, timeout);
				this.retryAt = this.hardUntil;
				this._kick(0);
			});
		}

		// pending is the number of events not yet acknowledged.
		get pending() { return this._keys().length; }

		// The queue: one storage key per event, in the order they happened.
		_keys() { return store.keys(this.ev); }
		_queue() {
			return this._keys().map((k) => store.get(k)).filter((e) => e && e.id)
				.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
		}
		_ids() { return this._keys().map((k) => k.slice(this.ev.length)); }
		_put(e) { this._set(this.ev + e.id, e); }

		// _set stores, or keeps in memory and warns (once) when localStorage refuses (full).
		_set(k, v) {
			if (!store.set(k, v) && !this.full) {
				this.full = true;
				this.log("localStorage refused a write (full or disabled): keeping it in memory only");
			}
		}

		_kick(delay) {
			const at = Math.max(Date.now() + delay, this.retryAt);
			if (this.timer && this.timerAt <= at) return;
			clearTimeout(this.timer);
			this.timerAt = at;
			this.timer = setTimeout(() => { this.timer = null; this._send(); }, Math.max(0, at - Date.now()));
		}

		_ack(ids) {
			ids.forEach((id) => store.del(this.ev + id));
			this._settle();
		}

		_settle() {
			const left = new Set(this._ids());
			this.waiters = this.waiters.filter((w) => {
				if (w.ids.some((id) => left.has(id))) return true;
				w.resolve(true);
				return false;
			});
		}

		async _send() {
			if (this.sending) return; // the send under way schedules the next
			if (Date.now() < this.retryAt) { this._kick(0); return; }
			const q = this._queue();
			if (!q.length) { this._settle(); return; }
			let n = Math.min(q.length, this.batchMax), batch, body;
			for (;;) {
				batch = q.slice(0, n);
				body = JSON.stringify({ events: batch });
				if (n === 1 || byteLen(body) <= MAX_BODY) break;
				n >>= 1;
			}
			this.sending = true;
			try {
				// A request that hangs is aborted after 30 s and counts as a network error.
				const [r, info] = await timed(30000, async (signal) => {
					const r = await fetch(this.base + "/events", {
						method: "POST", headers: { "Content-Type": "application/json" }, body, signal,
						keepalive: byteLen(body) < BEACON_MAX, credentials: "omit", cache: "no-store",
					});
					let info = {};
					if (r.status === 400 || r.status === 413) try { info = await r.json(); } catch (e) { /* no body */ }
					return [r, info];
				});
				if (r.status === 202) {
					this.backoff = this.retryAt = this.hardUntil = 0;
					this._ack(batch.map((e) => e.id));
				} else if (r.status === 400 || r.status === 413) {
					if (r.status === 413 && n > 1) {
						this.batchMax = Math.max(1, n >> 1); // split and send again
					} else {
						const m = r.status === 400 && /events\[(\d+)\]/.exec(info.message || "");
						const bad = m && batch[+m[1]] ? [batch[+m[1]]] : batch;
						this.log("events refused (" + r.status + " " + (info.error || "") + " " + (info.message || "") + "): dropping " + bad.length + " event(s)");
						this._ack(bad.map((e) => e.id));
					}
				} else {
					const err = new Error("events answered " + r.status);
					err.retryAfter = r.headers.get("Retry-After");
					throw err;
				}
			} catch (e) {
				const ra = e.retryAfter != null && /^\d+$/.test(e.retryAfter.trim()) ? +e.retryAfter * 1000 : -1;
				this.backoff = Math.min(300000, this.backoff ? this.backoff * 2 : 1000);
				const wait = ra >= 0 ? ra : this.backoff * (0.5 + Math.random() / 2);
				this.retryAt = Date.now() + wait;
				this.hardUntil = ra >= 0 ? this.retryAt : 0;
			} finally {
				this.sending = false;
			}
			if (this._keys().length) this._kick(0);
		}

		// _beacon hands the first events to sendBeacon as the page goes away; they stay queued
		// until a later 202, and the server counts a resent id once.
		_beacon() {
			const q = this._queue();
			if (!q.length || !navigator.sendBeacon) return;
			let n = Math.min(q.length, MAX_BATCH), body;
			while (byteLen(body = JSON.stringify({ events: q.slice(0, n) })) > BEACON_MAX && n > 1) n >>= 1;
			try { navigator.sendBeacon(this.base + "/events", body); } catch (e) { /* best effort */ }
		}
	}

	window.Nami = {
		version: VERSION,
		configure: (options) => new Client(options),
		decideSnapshot,
		bucket,
		equalFold,
	};
})();
