// TypeScript declarations of the Nami web SDK (GET /sdk/v1/nami.js defines window.Nami).
// See docs/web-sdk.md.

declare namespace Nami {
	/** Attribute values: numbers and booleans are compared as their text; null or undefined means "not sent". */
	type Attributes = Record<string, string | number | boolean | null | undefined>;

	/** A published snapshot (GET config), format "nami.snapshot/v1"; see docs/sdk-api.md section 2. */
	interface Snapshot {
		format: "nami.snapshot/v1";
		release: number;
		published_at: string;
		platform: { ref: string; store: string; name: string; bundle_id: string; environment: string };
		campaigns: unknown[];
		[field: string]: unknown;
	}

	interface Options {
		/** The platform key (SDK key), pk_… */
		key: string;
		/** The server's base URL; defaults to the origin the script was loaded from. */
		endpoint?: string;
		/** A stable device id; generated (random UUID) and kept in localStorage when not given. */
		deviceId?: string;
		/** Attributes sent with every decision; per-call attributes override them. */
		attributes?: Attributes;
		/** A bundled snapshot (downloaded from the Releases page), object or JSON text, used when there is no cache and the network does not answer in time. */
		fallback?: Snapshot | string;
		/** Milliseconds ready() waits for the network when there is no cached snapshot; default 2000. */
		timeout?: number;
		/** Milliseconds events wait to be batched before sending; default 3000. */
		flushInterval?: number;
		/** Where warnings go; default console.warn. */
		log?: (message: string) => void;
	}

	interface ReadyInfo {
		/** Where the snapshot in use came from: "cache", "network", "fallback", or "none" (no snapshot: every decision is empty). */
		source: "cache" | "network" | "fallback" | "none";
		release: number | null;
	}

	/** A decision: refs, or null. */
	interface Decision {
		campaign: string | null;
		variant: string | null;
		holdout: boolean;
		paywall: string | null;
		placement?: string;
	}

	interface PresentOptions {
		/** The element (or a selector) the paywall's iframe goes in; full-screen overlay when absent. */
		container?: Element | string;
		/** The locale of the copy, e.g. "de-AT"; defaults to attributes.locale, then navigator.language. */
		locale?: string;
		attributes?: Attributes;
		/** The paywall layout: "phone" (default), "tablet" or "tv". */
		device?: "phone" | "tablet" | "tv";
		/** Keep the paywall shown after the user acts (the host removes it with the result's close()). */
		keepOpen?: boolean;
		/** Called when the user selects a product. */
		onSelect?: (sku: string) => void;
		/** Milliseconds to wait for the paywall to load before resolving "error"; default max(configure's timeout, 10000). */
		timeout?: number;
	}

	type PresentResult =
		| { action: "purchase"; sku: string | null; decision: Decision; close(): void }
		| { action: "close"; decision: Decision; close(): void }
		| { action: "restore"; decision: Decision; close(): void }
		/** The paywall did not load in time (offline, server error); nothing is left shown. */
		| { action: "error"; decision: Decision; close(): void }
		| { action: "none"; decision: Decision };

	type EventType = "exposure" | "impression" | "close" | "cta_tap" | "trial_start" | "purchase" | "restore";

	interface Event {
		type: EventType;
		/** Copies placement, campaign, variant and paywall from a decision. */
		decision?: Decision;
		placement?: string;
		campaign?: string;
		variant?: string;
		paywall?: string;
		holdout?: boolean;
		sku?: string;
		/** A decimal amount, e.g. "59.99" ("0" for a trial); a number is sent with at most 4 decimals. */
		revenue?: string | number;
		currency?: string;
		/** Made by the SDK when absent; never reuse one. */
		id?: string;
		device_id?: string;
		time?: string;
	}

	interface Client {
		readonly key: string;
		readonly deviceId: string;
		/** The snapshot in use (products, paywalls, campaigns), or null before ready() or without one. */
		readonly snapshot: Snapshot | null;
		/** The release number of the snapshot in use, or null. */
		readonly release: number | null;
		/** The number of events not yet acknowledged by the server. */
		readonly pending: number;
		ready(): Promise<ReadyInfo>;
		/** Revalidates the config now; true when a newer snapshot was installed. Never rejects. */
		refresh(): Promise<boolean>;
		decide(label?: string, attributes?: Attributes): Promise<Decision>;
		present(label?: string, options?: PresentOptions): Promise<PresentResult>;
		/** Queues an event durably and returns its id. */
		track(event: Event): string;
		/** Resolves true once every event queued so far is acknowledged; false after timeout ms if given. */
		flush(timeout?: number): Promise<boolean>;
	}
}

interface NamiStatic {
	readonly version: string;
	configure(options: Nami.Options): Nami.Client;
	/** The decision algorithm without side effects (docs/sdk-api.md section 6). now: milliseconds since the epoch. */
	decideSnapshot(snapshot: Nami.Snapshot | null, label: string, deviceId: string, attributes?: Nami.Attributes, now?: number): Promise<Nami.Decision>;
	/** bucket(salt, campaignRef, deviceId): 0 to 9999. pure: use the built-in SHA-256 instead of WebCrypto. */
	bucket(salt: "holdout" | "variant", campaignRef: string, deviceId: string, pure?: boolean): Promise<number>;
	/** Text comparison ignoring case as the algorithm does (Unicode simple case folding). */
	equalFold(a: string, b: string): boolean;
}

declare var Nami: NamiStatic;
