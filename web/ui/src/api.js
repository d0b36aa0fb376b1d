// The daemon's JSON API, and nothing else. Polling with ETag: each document is asked for with
// If-None-Match, so an unchanged one costs the daemon a 304 and the page no work; and a document
// is asked for at all only when /healthz says one of its sources was read again since.

// Which /healthz sources each document is made of; `need`: without data from one of these the
// daemon answers 503, so the page does not ask (the panel says why instead).
export const DOCS = {
	cpu: {url: '/api/v1/cpu', sources: ['stat', 'loadavg', 'pressure/cpu', 'pressure/memory', 'pressure/io', 'schedstat'], need: ['stat']},
	buddy: {url: '/api/v1/buddy', sources: ['buddyinfo'], need: ['buddyinfo']},
	zones: {url: '/api/v1/zones', sources: ['zoneinfo', 'buddyinfo', 'pagetypeinfo'], need: ['zoneinfo', 'buddyinfo']},
	iomem: {url: '/api/v1/iomem', sources: ['iomem'], need: ['iomem']},
	kallsyms: {url: '/api/v1/kallsyms', sources: ['kallsyms'], need: ['kallsyms']},
};

export class HttpError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

async function errorOf(res) {
	let msg = res.status + ' ' + res.statusText;
	try {
		const j = await res.json();
		if (j && j.error && j.error.message) msg = j.error.message;
	} catch (e) {
		/* not JSON */
	}
	return new HttpError(res.status, msg);
}

// GET a JSON document; {doc, etag, changed}. With a known etag, a 304 gives changed: false.
export async function getJSON(url, etag) {
	const headers = etag ? {'If-None-Match': etag} : {};
	const res = await fetch(url, {headers, cache: 'no-store'});
	if (res.status === 304) return {doc: null, etag, changed: false};
	if (!res.ok) throw await errorOf(res);
	return {doc: await res.json(), etag: res.headers.get('ETag'), changed: true};
}

export async function postText(url, text) {
	const res = await fetch(url, {method: 'POST', body: text, headers: {'Content-Type': 'text/plain'}, cache: 'no-store'});
	if (!res.ok) throw await errorOf(res);
	return res.json();
}

// Why a document cannot be had now, from /healthz: "kallsyms: Permission denied", or null.
export function unavailable(health, name) {
	const d = DOCS[name];
	if (!health) return null;
	const srcs = health.sources || {};
	if (d.need.some((s) => srcs[s] && srcs[s].sampled_at !== null)) return null;
	const s = d.need.map((n) => srcs[n]).find((x) => x);
	if (!s) return null;
	return d.need[0] + ': ' + (s.error || 'not read yet');
}

// The stamp that changes when any of the document's sources was read again.
export function stampOf(health, name) {
	const srcs = (health && health.sources) || {};
	return DOCS[name].sources.map((s) => (srcs[s] ? srcs[s].sampled_at + (srcs[s].ok ? '' : '!') : '-')).join(',');
}

// The history of a set of series (dotted prefixes), fetched incrementally: the first call asks
// for everything the ring holds, later ones only for points newer than the last one held.
export class History {
	constructor(select, keep = 3600) {
		this.select = select;
		this.keep = keep;
		this.t = [];
		this.series = {};
		this.disabled = null;
	}
	async poll() {
		if (this.disabled) return false;
		const since = this.t.length ? this.t[this.t.length - 1] : 0;
		let r;
		try {
			r = await getJSON(`/api/v1/history?series=${encodeURIComponent(this.select)}&since=${since}`);
		} catch (e) {
			if (e.status === 503) this.disabled = e.message;
			throw e;
		}
		const d = r.doc;
		if (!d.timestamps.length) return false;
		const n0 = this.t.length;
		this.t.push(...d.timestamps);
		for (const [k, v] of Object.entries(d.series)) {
			let a = this.series[k];
			if (!a) a = this.series[k] = new Array(n0).fill(null);
			a.push(...v);
		}
		for (const a of Object.values(this.series)) while (a.length < this.t.length) a.push(null);
		const drop = this.t.length - this.keep;
		if (drop > 0) {
			this.t.splice(0, drop);
			for (const a of Object.values(this.series)) a.splice(0, drop);
		}
		return true;
	}
	get(name) {
		return this.series[name] || new Array(this.t.length).fill(null);
	}
}
