// Kernel symbols: search by name prefix or address, the symbolizer, modules, KASLR slide.
import {HttpError, getJSON, postText} from '../api.js';
import {h, keyedTable, panel, setText, tile} from '../dom.js';
import {NONE, bytes, count} from '../fmt.js';
import {docState} from './common.js';

const TYPES = {T: 'text', t: 'local text', D: 'data', d: 'local data', B: 'bss', b: 'local bss', R: 'read-only', r: 'local read-only', W: 'weak', w: 'weak', V: 'weak object', v: 'weak object', A: 'absolute', a: 'local absolute', U: 'undefined', N: 'debug', n: 'debug'};
const ADDR = /^(0x)?[0-9a-f]{8,16}$/i;

let ui = null;
let seq = 0;

// Distance between two 64-bit hex addresses (BigInt: kernel addresses exceed 2^53).
const span = (lo, hi) => Number(BigInt(hi) - BigInt(lo));

function mount(root) {
	const sum = panel('Kernel', {testid: 'panel-ksummary', wide: true, help: 'From /proc/kallsyms'});
	const tiles = {
		count: tile('symbols', 'ks-count'),
		arch: tile('architecture', 'ks-arch'),
		text: tile('_text', 'ks-text', null, true),
		slide: tile('KASLR slide', 'ks-slide', '_text minus the architecture\'s link-time base', true),
		mods: tile('modules', 'ks-modules'),
		hidden: tile('addresses', 'ks-hidden'),
	};
	const types = h('div', {class: 'types', testid: 'ks-types'});
	sum.body.append(h('div', {class: 'tiles'}, Object.values(tiles).map((t) => t.el)), types);

	const search = panel('Search', {testid: 'panel-ksearch', help: 'A name prefix (schedule, tcp_v4_) or an address (0xffffffff81000000)'});
	const input = h('input', {type: 'search', placeholder: 'name prefix or 0x address', spellcheck: false, autocomplete: 'off', testid: 'ksearch-input', 'aria-label': 'symbol search'});
	const status = h('div', {class: 'sstatus', testid: 'ksearch-status'}, 'Type a name prefix or an address.');
	const results = keyedTable([
		{key: 'symbol', label: 'symbol', cls: 'mono'},
		{key: 'addr', label: 'address', cls: 'mono'},
		{key: 'size', label: 'size', cls: 'num'},
		{key: 'type', label: 'type'},
		{key: 'module', label: 'module'},
	], {testid: 'ksearch-results', rowTestid: () => 'ksearch-row'});
	let timer = null;
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(() => runSearch(input.value.trim()), 150);
	});
	input.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') {
			clearTimeout(timer);
			runSearch(input.value.trim());
		}
	});
	search.body.append(input, status, results.el);

	const sym = panel('Symbolizer', {testid: 'panel-symbolize', help: 'Paste an oops, a stack trace or any text: every kernel address in it is resolved against this kallsyms'});
	const text = h('textarea', {rows: 7, spellcheck: false, testid: 'symbolize-input', placeholder: 'Paste an oops or a call trace\u2026', 'aria-label': 'text to symbolize'});
	const run = h('button', {type: 'button', testid: 'symbolize-run', onclick: () => symbolize()}, 'Resolve');
	const example = h('button', {type: 'button', class: 'ghost', testid: 'symbolize-example', onclick: () => fillExample()}, 'Example');
	const ssum = h('div', {class: 'sstatus', testid: 'symbolize-summary'});
	const out = h('pre', {class: 'annotated', testid: 'symbolize-output', hidden: true});
	sym.body.append(text, h('div', {class: 'row'}, run, example, ssum), out);

	const mods = panel('Modules', {testid: 'panel-modules', wide: true, help: 'Modules in kallsyms order, with the address range their symbols cover'});
	const filter = h('input', {type: 'search', placeholder: 'filter', testid: 'modules-filter', 'aria-label': 'filter modules', oninput: () => ui && updateModules(ui.doc)});
	mods.tools.append(filter);
	const mtable = keyedTable([
		{key: 'name', label: 'module'},
		{key: 'count', label: 'symbols', cls: 'num'},
		{key: 'lowest', label: 'lowest', cls: 'mono'},
		{key: 'highest', label: 'highest', cls: 'mono'},
		{key: 'span', label: 'span', cls: 'num'},
	], {testid: 'modules-table', rowTestid: (k) => 'module-' + k, cellTestid: (k, c) => `module-${c}-${k}`});
	mods.body.append(mtable.el);

	root.append(h('div', {class: 'cards'}, sum.el, search.el, sym.el, mods.el));
	ui = {sum, tiles, types, search, input, status, results, sym, text, run, example, ssum, out, mods, filter, mtable, doc: null};
}

function symRow(s) {
	return {key: s.symbol + '@' + s.addr + '@' + (s.module || ''), cells: {
		symbol: s.symbol,
		addr: s.addr,
		size: s.size ? {text: s.size, value: s.size, title: bytes(parseInt(s.size, 16))} : NONE,
		type: {text: s.type, title: TYPES[s.type] || ''},
		module: s.module || '',
	}};
}

async function runSearch(q) {
	const my = ++seq;
	if (!q) {
		setText(ui.status, 'Type a name prefix or an address.');
		ui.results.update([]);
		return;
	}
	setText(ui.status, 'searching\u2026');
	try {
		if (ADDR.test(q)) {
			const a = q.toLowerCase().startsWith('0x') ? q : '0x' + q;
			let r;
			try {
				r = (await getJSON('/api/v1/kallsyms/lookup?addr=' + encodeURIComponent(a))).doc;
			} catch (e) {
				if (my !== seq) return;
				if (e instanceof HttpError && e.status === 404) {
					setText(ui.status, `${a}: ${e.message}`);
					ui.results.update([]);
					return;
				}
				throw e;
			}
			if (my !== seq) return;
			setText(ui.status, `${r.addr} is ${r.symbol}+${r.offset}${r.size ? '/' + r.size : ''}${r.module ? ' [' + r.module + ']' : ''}`);
			ui.status.dataset.symbol = r.symbol;
			ui.results.update([symRow({...r, addr: r.symbol_addr})]);
		} else {
			const r = (await getJSON(`/api/v1/kallsyms/search?prefix=${encodeURIComponent(q)}&limit=100`)).doc;
			if (my !== seq) return;
			setText(ui.status, r.count === 0 ? `no symbol starts with \u201c${q}\u201d` : `${r.truncated ? 'first ' : ''}${count(r.count)} symbol${r.count === 1 ? '' : 's'} starting with \u201c${q}\u201d${r.truncated ? ' (type more to narrow)' : ''}`);
			ui.results.update(r.symbols.map(symRow));
		}
	} catch (e) {
		if (my !== seq) return;
		setText(ui.status, e.message);
		ui.results.update([]);
	}
}

async function symbolize() {
	const t = ui.text.value;
	if (!t.trim()) return;
	ui.run.disabled = true;
	try {
		const r = await postText('/api/v1/kallsyms/symbolize', t);
		const n = r.addresses.length;
		setText(ui.ssum, `resolved ${r.found} of ${n} address${n === 1 ? '' : 'es'}` + (r.truncated ? ' (truncated)' : ''));
		ui.ssum.dataset.found = r.found;
		// the annotated text, each inserted " <sym+off/size>" highlighted
		const parts = (r.annotated ?? '').split(/( <[^<>\n]+\+0x[0-9a-f]+(?:\/0x[0-9a-f]+)?(?: \[[^\]]+\])?>)/);
		ui.out.replaceChildren(...parts.map((p, i) => (i % 2 ? h('mark', null, p) : p)));
		ui.out.hidden = false;
	} catch (e) {
		setText(ui.ssum, e.message);
		ui.out.hidden = true;
	} finally {
		ui.run.disabled = false;
	}
}

// A call trace made of real symbols of this kernel, to show what the symbolizer does.
async function fillExample() {
	const names = ['schedule', 'do_syscall_64', 'entry_SYSCALL_64'];
	const lines = ['BUG: example trace (made up from this kernel\'s symbols)', 'Call Trace:', ' <TASK>'];
	for (const n of names) {
		try {
			const r = (await getJSON(`/api/v1/kallsyms/search?prefix=${n}&limit=1`)).doc;
			const s = r.symbols[0];
			if (!s) continue;
			const a = BigInt(s.addr) + 0x1cn;
			lines.push(` [<${a.toString(16).padStart(16, '0')}>] ${s.symbol}+0x1c`);
		} catch (e) {
			/* not in this kernel */
		}
	}
	lines.push(' </TASK>');
	ui.text.value = lines.join('\n') + '\n';
	symbolize();
}

function updateModules(doc) {
	const f = ui.filter.value.trim().toLowerCase();
	const mods = (doc ? doc.modules : []).filter((m) => !f || m.name.toLowerCase().includes(f));
	ui.mtable.update(mods.map((m) => ({key: m.name, cells: {
		name: m.name,
		count: {text: count(m.count), value: m.count},
		lowest: m.lowest || NONE,
		highest: m.highest || NONE,
		span: m.lowest && m.highest && !doc.addresses_hidden ? {text: bytes(span(m.lowest, m.highest)), value: span(m.lowest, m.highest)} : NONE,
	}})));
}

function update(state) {
	if (!ui) return;
	const ds = docState(state, 'kallsyms');
	const doc = ds.doc;
	for (const p of [ui.sum, ui.search, ui.sym, ui.mods]) p.notice(ds.msg, ds.kind);
	const off = !doc;
	ui.input.disabled = ui.text.disabled = ui.run.disabled = ui.example.disabled = off;
	if (!doc || doc === ui.doc) return;
	ui.doc = doc;
	const t = ui.tiles, k = doc.kernel || {};
	setText(t.count.v, count(doc.count), doc.count);
	setText(t.arch.v, k.architecture || NONE);
	setText(t.text.v, k._text || NONE);
	setText(t.slide.v, k.kaslr_slide || NONE);
	setText(t.mods.v, count(doc.modules.length), doc.modules.length);
	setText(t.hidden.v, doc.addresses_hidden ? 'hidden' : 'visible');
	if (doc.addresses_hidden) ui.sum.notice('addresses are hidden (kptr_restrict, or the daemon lacks CAP_SYSLOG): name search works, addresses do not', 'warn');
	ui.types.replaceChildren(...Object.entries(doc.by_type).map(([ty, n]) => h('span', {class: 'chip', title: TYPES[ty] || '', testid: 'ks-type-' + ty}, h('b', null, ty), ' ', count(n))));
	updateModules(doc);
}

function unmount() {
	ui = null;
}

export default {title: 'Kernel symbols', docs: ['kallsyms'], mount, update, unmount};
