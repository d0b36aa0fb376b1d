// The dashboard: a hash router over four views, one polling loop, the theme switch.
import {DOCS, History, getJSON, stampOf, unavailable} from './api.js';
import {rethemeAll} from './charts.js';
import {setText, toggle} from './dom.js';
import {clock} from './fmt.js';
import overview from './views/overview.js';
import memory from './views/memory.js';
import physmap from './views/physmap.js';
import ksyms from './views/ksyms.js';
// after the chart library's styles, which it overrides
import './style.css';

const VIEWS = {overview, memory, physmap, ksyms};
const POLL_MS = 1000;

// Everything the views read. docs[name] is the last good document; docErr[name] says why the
// current one could not be had (the view keeps showing the old one, labelled).
const state = {
	health: null,
	healthErr: null,
	docs: {},
	docErr: {},
	etags: {},
	stamps: {},
	history: {},
	historyErr: {},
	lastOk: null,
};

let current = null; // {name, view}
let paused = false;
let timer = null;
let running = false;
let again = false;

const $ = (id) => document.getElementById(id);

async function fetchDoc(name) {
	const why = unavailable(state.health, name);
	if (why) {
		state.docErr[name] = why;
		return;
	}
	const stamp = stampOf(state.health, name);
	if (state.docs[name] && stamp === state.stamps[name]) return;
	try {
		const r = await getJSON(DOCS[name].url, state.docs[name] ? state.etags[name] : null);
		if (r.changed) {
			state.docs[name] = r.doc;
			state.etags[name] = r.etag;
		}
		state.stamps[name] = stamp;
		state.docErr[name] = null;
	} catch (e) {
		state.docErr[name] = e.message;
	}
}

async function fetchHistory(select) {
	let hist = state.history[select];
	if (!hist) hist = state.history[select] = new History(select);
	try {
		await hist.poll();
		state.historyErr[select] = null;
	} catch (e) {
		state.historyErr[select] = e.message;
	}
}

async function tick() {
	if (running) {
		again = true;
		return;
	}
	running = true;
	clearTimeout(timer);
	try {
		try {
			const r = await getJSON('/healthz', state.etags.healthz);
			if (r.changed) {
				state.health = r.doc;
				state.etags.healthz = r.etag;
			}
			state.healthErr = null;
			state.lastOk = Date.now() / 1000;
		} catch (e) {
			state.healthErr = e.message;
		}
		if (current && !state.healthErr) {
			const v = current.view;
			await Promise.all([...(v.docs || []).map(fetchDoc), ...(v.history || []).map(fetchHistory)]);
		}
		render();
	} finally {
		running = false;
		if (again) {
			again = false;
			tick();
		} else {
			schedule();
		}
	}
}

function schedule() {
	clearTimeout(timer);
	if (!paused && !document.hidden) timer = setTimeout(tick, state.healthErr ? POLL_MS * 3 : POLL_MS);
}

function render() {
	const st = $('status');
	const h = state.health;
	if (state.healthErr) {
		setText(st, `daemon unreachable (${state.healthErr})` + (state.lastOk ? ` \u00b7 data from ${clock(state.lastOk)}` : ''));
		st.className = 'status down';
	} else if (h) {
		const failing = Object.entries(h.sources).filter(([, s]) => !s.ok && !s.optional).map(([n]) => n);
		setText(st, (paused ? 'paused' : 'live') + ` \u00b7 sample ${h.sample} \u00b7 ${clock(h.sampled_at)}` + (failing.length ? ` \u00b7 failing: ${failing.join(', ')}` : ''));
		st.className = 'status ' + (paused ? 'paused' : h.status === 'ok' ? 'ok' : 'degraded');
		st.dataset.sample = h.sample;
	}
	if (current) current.view.update(state);
}

function route() {
	const [name, ...rest] = (location.hash.replace(/^#/, '') || 'overview').split('/');
	const key = VIEWS[name] ? name : 'overview';
	if (!current || current.name !== key) {
		if (current) current.view.unmount();
		const root = $('view');
		root.replaceChildren();
		current = {name: key, view: VIEWS[key]};
		current.view.mount(root, {state, refresh: tick, args: rest});
		for (const a of document.querySelectorAll('nav a')) toggle(a, 'active', a.dataset.view === key);
		document.title = `procintro \u00b7 ${current.view.title}`;
		render();
		tick();
	} else if (current.view.route) {
		current.view.route(rest);
	}
}

function setTheme(t) {
	document.documentElement.dataset.theme = t;
	try {
		localStorage.setItem('pi-theme', t);
	} catch (e) {
		/* private mode */
	}
	rethemeAll();
}

function effectiveTheme() {
	return document.documentElement.dataset.theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

function boot() {
	$('theme').addEventListener('click', () => setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark'));
	matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => rethemeAll());
	$('live').addEventListener('click', () => {
		paused = !paused;
		setText($('live'), paused ? 'Resume' : 'Pause');
		$('live').setAttribute('aria-pressed', String(paused));
		if (paused) clearTimeout(timer);
		else tick();
		render();
	});
	document.addEventListener('visibilitychange', () => (document.hidden ? clearTimeout(timer) : tick()));
	window.addEventListener('hashchange', route);
	// let the shell paint first; the view (charts, tables) follows in the next task
	requestAnimationFrame(() => setTimeout(route, 0));
}

boot();
