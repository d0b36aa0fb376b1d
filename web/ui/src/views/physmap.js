// Physical map: /proc/iomem as a zoomable map of the physical address space (one row per nesting
// depth, the zones and the holes overlaid), the resource tree, and the kernel image's sections.
import {h, keyedTable, panel, setText} from '../dom.js';
import {NONE, bytes, count, hex, parseAddr} from '../fmt.js';
import {docState} from './common.js';

const MIN_SPAN = 4096; // zoom no further than a page
const ROW = 26;

let ui = null;

export function kindOf(name) {
	if (name === 'System RAM') return 'ram';
	if (/^Kernel /.test(name)) return 'kernel';
	if (/^Crash kernel/.test(name)) return 'crash';
	if (/reserved/i.test(name)) return 'reserved';
	if (/^PCI|^[0-9a-f]{4}:[0-9a-f]{2}:|pci/i.test(name)) return 'pci';
	if (/ACPI/.test(name)) return 'acpi';
	if (/ROM/.test(name)) return 'rom';
	return 'other';
}

// The tree flattened: [{id, depth, start, end (exclusive), name, kind, parent, children: [ids]}]
function flatten(resources) {
	const out = [];
	const walk = (list, depth, parent) => {
		for (const r of list) {
			const id = out.length;
			const node = {id, depth, start: parseAddr(r.start), end: parseAddr(r.end) + 1, size: r.size, name: r.name, kind: kindOf(r.name), parent, children: []};
			out.push(node);
			if (parent !== null) out[parent].children.push(id);
			walk(r.children || [], depth + 1, id);
		}
	};
	walk(resources, 0, null);
	return out;
}

function mount(root) {
	const map = panel('Physical address space', {testid: 'panel-map', wide: true, help: 'Wheel or pinch to zoom, drag to pan, click a range to zoom into it'});
	const range = h('span', {class: 'range', testid: 'map-range'});
	const btn = (label, testid, title, f) => h('button', {type: 'button', class: 'small', testid, title, onclick: f}, label);
	map.tools.append(range,
		btn('+', 'map-zoom-in', 'zoom in', () => zoomAt(center(), 0.5)),
		btn('\u2212', 'map-zoom-out', 'zoom out', () => zoomAt(center(), 2)),
		btn('reset', 'map-reset', 'whole address space', () => setView(ui.full[0], ui.full[1])));
	const rows = h('div', {class: 'maprows'});
	const axis = h('div', {class: 'axis'});
	const area = h('div', {class: 'map', tabindex: '0', testid: 'map', 'aria-label': 'physical address map'}, rows, axis);
	const detail = h('div', {class: 'detail', testid: 'map-detail'}, 'Click a range for its details.');
	const legend = h('div', {class: 'legend-note'}, ['ram', 'kernel', 'reserved', 'pci', 'acpi', 'rom', 'crash', 'other', 'hole'].map((k) => [h('span', {class: 'swatch k-' + k}), k === 'ram' ? 'System RAM' : k, ' ']));
	map.body.append(area, legend, detail);

	const tree = panel('Resources', {testid: 'panel-tree', help: '/proc/iomem as a tree; click a row to show it on the map'});
	const treeBox = h('div', {class: 'tree', testid: 'iomem-tree'});
	tree.body.append(treeBox);

	const kimg = panel('Kernel image', {testid: 'panel-kimage', help: 'Sections from iomem (physical) and kallsyms (virtual)'});
	const ktable = keyedTable([
		{key: 'sec', label: 'section'},
		{key: 'pstart', label: 'physical', cls: 'mono'},
		{key: 'vstart', label: 'virtual', cls: 'mono'},
		{key: 'size', label: 'size', cls: 'num'},
	], {testid: 'kimage-table', cellTestid: (k, c) => `kimage-${k}-${c}`});
	const kfacts = h('dl', {class: 'facts'});
	kimg.body.append(ktable.el, kfacts);

	const summary = panel('By kind', {testid: 'panel-kinds'});
	const stable = keyedTable([
		{key: 'kind', label: 'kind'},
		{key: 'count', label: 'ranges', cls: 'num'},
		{key: 'bytes', label: 'size', cls: 'num'},
	], {testid: 'kinds-table', cellTestid: (k, c) => `kind-${k}-${c}`});
	const sfacts = h('dl', {class: 'facts'});
	summary.body.append(stable.el, sfacts);

	const zones = panel('Zones on the map', {testid: 'panel-mapzones'});
	const ztable = keyedTable([
		{key: 'zone', label: 'zone'},
		{key: 'range', label: 'physical range', cls: 'mono'},
		{key: 'span', label: 'span', cls: 'num'},
		{key: 'present', label: 'present', cls: 'num'},
	], {testid: 'mapzones-table', cellTestid: (k, c) => `mapzone-${k.replace('/', '-')}-${c}`, onRowClick: (k) => {
		const z = ui.zonesByKey && ui.zonesByKey[k];
		if (z) setView(z.start, z.end);
	}});
	zones.body.append(ztable.el);

	root.append(h('div', {class: 'cards'}, map.el, tree.el, kimg.el, summary.el, zones.el));
	ui = {map, range, rows, axis, area, detail, tree, treeBox, kimg, ktable, kfacts, summary, stable, sfacts, zones, ztable, doc: null, kdoc: undefined, nodes: [], full: [0, 1], view: [0, 1], sel: null};
	bindInput(area);
	new ResizeObserver(() => ui && draw()).observe(area);
}

const center = () => (ui.view[0] + ui.view[1]) / 2;

function setView(lo, hi) {
	const [flo, fhi] = ui.full;
	let span = Math.min(Math.max(hi - lo, MIN_SPAN), fhi - flo);
	lo = Math.max(flo, Math.min(lo, fhi - span));
	ui.view = [lo, lo + span];
	draw();
}

function zoomAt(addr, factor) {
	const [lo, hi] = ui.view;
	const span = Math.min(Math.max((hi - lo) * factor, MIN_SPAN), ui.full[1] - ui.full[0]);
	const t = (addr - lo) / (hi - lo);
	setView(addr - t * span, addr - t * span + span);
}

function addrAt(clientX) {
	const r = ui.rows.getBoundingClientRect();
	const [lo, hi] = ui.view;
	return lo + ((clientX - r.left) / r.width) * (hi - lo);
}

function bindInput(area) {
	area.addEventListener('wheel', (e) => {
		if (!ui.nodes.length) return;
		e.preventDefault();
		zoomAt(addrAt(e.clientX), Math.exp(Math.max(-300, Math.min(300, e.deltaY)) * 0.003));
	}, {passive: false});
	const pointers = new Map();
	let drag = null;
	area.addEventListener('pointerdown', (e) => {
		pointers.set(e.pointerId, e.clientX);
		drag = {x: e.clientX, view: ui.view.slice(), moved: false, pinch: pointers.size === 2 ? {d: Math.abs([...pointers.values()].reduce((a, b) => a - b)), view: ui.view.slice()} : null};
		area.setPointerCapture(e.pointerId);
	});
	area.addEventListener('pointermove', (e) => {
		if (!drag || !pointers.has(e.pointerId)) return;
		pointers.set(e.pointerId, e.clientX);
		const w = ui.rows.getBoundingClientRect().width || 1;
		if (drag.pinch && pointers.size === 2) {
			const xs = [...pointers.values()];
			const d = Math.abs(xs[0] - xs[1]) || 1;
			const [lo, hi] = drag.pinch.view;
			ui.view = [lo, hi];
			zoomAt(addrAt((xs[0] + xs[1]) / 2), drag.pinch.d / d);
			drag.moved = true;
			return;
		}
		const dx = e.clientX - drag.x;
		if (Math.abs(dx) > 4) drag.moved = true;
		if (drag.moved) {
			const [lo, hi] = drag.view;
			const shift = (-dx / w) * (hi - lo);
			setView(lo + shift, hi + shift);
		}
	});
	const end = (e) => {
		pointers.delete(e.pointerId);
		if (drag && !drag.moved && e.type === 'pointerup') {
			const el = document.elementFromPoint(e.clientX, e.clientY);
			const b = el && el.closest('[data-node]');
			if (b) choose(Number(b.dataset.node), true);
			else if (el && el.closest('[data-zone]')) {
				const z = ui.zonesByKey[el.closest('[data-zone]').dataset.zone];
				setView(z.start, z.end);
			}
		}
		if (!pointers.size) drag = null;
	};
	area.addEventListener('pointerup', end);
	area.addEventListener('pointercancel', end);
	area.addEventListener('keydown', (e) => {
		const span = ui.view[1] - ui.view[0];
		if (e.key === '+' || e.key === '=') zoomAt(center(), 0.5);
		else if (e.key === '-') zoomAt(center(), 2);
		else if (e.key === '0') setView(ui.full[0], ui.full[1]);
		else if (e.key === 'ArrowLeft') setView(ui.view[0] - span / 4, ui.view[1] - span / 4);
		else if (e.key === 'ArrowRight') setView(ui.view[0] + span / 4, ui.view[1] + span / 4);
		else return;
		e.preventDefault();
	});
}

// Select a resource: details, tree highlight, and (zoom) the map showing it with a margin.
function choose(id, zoom) {
	const n = ui.nodes[id];
	if (!n) return;
	ui.sel = id;
	if (zoom) {
		const m = (n.end - n.start) * 0.04;
		setView(n.start - m, n.end + m);
	} else {
		draw();
	}
	const path = [];
	for (let p = n; p; p = p.parent === null ? null : ui.nodes[p.parent]) path.unshift(p.name);
	ui.detail.replaceChildren(
		h('div', {class: 'dtitle', testid: 'map-detail-name'}, n.name),
		h('div', {class: 'mono', testid: 'map-detail-range'}, `${hex(n.start)} \u2013 ${hex(n.end - 1)}`),
		h('div', {testid: 'map-detail-size'}, `${bytes(n.end - n.start)} \u00b7 ${path.join(' \u203a ')}`),
		n.children.length ? h('div', {class: 'chips'}, n.children.map((c) => h('button', {type: 'button', class: 'chip k-' + ui.nodes[c].kind, onclick: () => choose(c, true)}, `${ui.nodes[c].name} \u00b7 ${bytes(ui.nodes[c].end - ui.nodes[c].start)}`))) : null,
	);
	for (const el of ui.treeBox.querySelectorAll('.sel')) el.classList.remove('sel');
	const row = ui.treeBox.querySelector(`[data-id="${id}"]`);
	if (row) {
		row.classList.add('sel');
		for (let d = row.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
	}
}

function niceStep(span, maxTicks) {
	// the smallest power of two giving at most maxTicks ticks
	let s = 2 ** Math.floor(Math.log2(span / maxTicks));
	while (span / s > maxTicks) s *= 2;
	return s;
}

function block(cls, lo, hi, start, end, label, title, data) {
	const span = hi - lo;
	const a = Math.max(start, lo), b = Math.min(end, hi);
	const left = ((a - lo) / span) * 100, width = ((b - a) / span) * 100;
	const el = h('div', {class: 'blk ' + cls, title, style: {left: left + '%', width: `max(${width}%, 1px)`}});
	if (data) Object.assign(el.dataset, data);
	el.append(h('span', null, label));
	return el;
}

function draw() {
	if (!ui || !ui.nodes.length) return;
	const [lo, hi] = ui.view;
	const w = ui.rows.clientWidth || 800;
	const visible = (s, e) => e > lo && s < hi;
	const depth = Math.max(...ui.nodes.map((n) => n.depth)) + 1;
	const zrow = h('div', {class: 'maprow zrow'});
	for (const z of ui.zones) if (visible(z.start, z.end)) zrow.append(block('zone', lo, hi, z.start, z.end, `${z.zone} \u00b7 ${bytes(z.end - z.start)}`, `node ${z.node} ${z.zone}: ${hex(z.start)}\u2013${hex(z.end - 1)} (${bytes(z.end - z.start)})`, {zone: `${z.node}/${z.zone}`}));
	const rows = [zrow];
	for (let d = 0; d < depth; d++) rows.push(h('div', {class: 'maprow'}));
	for (const x of ui.holes) if (visible(x.start, x.end)) rows[1].append(block('k-hole', lo, hi, x.start, x.end, 'hole', `hole: ${hex(x.start)}\u2013${hex(x.end - 1)} (${bytes(x.end - x.start)})`));
	for (const n of ui.nodes) {
		if (!visible(n.start, n.end)) continue;
		const px = ((Math.min(n.end, hi) - Math.max(n.start, lo)) / (hi - lo)) * w;
		const label = px > 70 ? `${n.name} \u00b7 ${bytes(n.end - n.start)}` : px > 24 ? n.name : '';
		const b = block('k-' + n.kind + (n.id === ui.sel ? ' sel' : ''), lo, hi, n.start, n.end, label, `${n.name}\n${hex(n.start)}\u2013${hex(n.end - 1)}\n${bytes(n.end - n.start)}` + (n.children.length ? `\n${n.children.length} inside: click to zoom` : ''), {node: n.id});
		rows[n.depth + 1].append(b);
	}
	ui.rows.replaceChildren(...rows);
	ui.rows.style.height = rows.length * ROW + 'px';
	const step = niceStep(hi - lo, Math.max(2, Math.floor(w / 110))); // a hex label is ~100 px
	const ticks = [];
	for (let t = Math.ceil(lo / step) * step; t < hi; t += step) ticks.push(h('span', {style: {left: ((t - lo) / (hi - lo)) * 100 + '%'}}, hex(t)));
	ui.axis.replaceChildren(...ticks);
	setText(ui.range, `${hex(lo)} \u2013 ${hex(hi - 1)} \u00b7 ${bytes(hi - lo)}`);
	ui.range.dataset.lo = String(lo);
	ui.range.dataset.hi = String(hi);
}

function renderTree(nodes) {
	const make = (id) => {
		const n = nodes[id];
		const row = h('div', {class: 'trow', 'data-id': String(id), testid: 'tree-' + id, onclick: (e) => {
			// a click selects, zooms and opens; a second click on the selected row closes it
			e.preventDefault();
			const d = row.parentElement.tagName === 'SUMMARY' ? row.parentElement.parentElement : null;
			if (d && d.open && ui.sel === id) d.open = false;
			else choose(id, true);
		}},
		h('span', {class: 'swatch k-' + n.kind}), h('span', {class: 'tname'}, n.name),
		h('span', {class: 'mono taddr'}, ui.hidden ? 'hidden' : `${hex(n.start)}\u2013${hex(n.end - 1)}`),
		h('span', {class: 'tsize'}, ui.hidden ? '' : bytes(n.end - n.start)));
		if (!n.children.length) return h('div', {class: 'leaf'}, row);
		return h('details', {open: n.depth < 1 && n.children.length < 8}, h('summary', null, row), n.children.map(make));
	};
	ui.treeBox.replaceChildren(...nodes.filter((n) => n.depth === 0).map((n) => make(n.id)));
}

function updateMap(doc) {
	ui.hidden = doc.addresses_hidden;
	ui.nodes = flatten(doc.resources);
	ui.holes = (doc.holes || []).map((x) => ({start: parseAddr(x.start), end: parseAddr(x.end) + 1}));
	ui.zones = (doc.zones || []).filter((z) => z.phys).map((z) => ({node: z.node, zone: z.zone, start: parseAddr(z.phys.start), end: parseAddr(z.phys.end) + 1, present: z.present_bytes}));
	ui.zonesByKey = Object.fromEntries(ui.zones.map((z) => [`${z.node}/${z.zone}`, z]));
	renderTree(ui.nodes);
	if (doc.addresses_hidden) {
		ui.map.notice('iomem addresses are hidden: the daemon lacks CAP_SYS_ADMIN, so every range reads as zero. The tree below still shows the layout.', 'error');
		ui.area.hidden = true;
		setText(ui.range, NONE);
		return;
	}
	ui.area.hidden = false;
	const maxA = doc.summary && doc.summary.max_address ? parseAddr(doc.summary.max_address) + 1 : Math.max(...ui.nodes.map((n) => n.end));
	const full = [0, Math.max(maxA, MIN_SPAN)];
	const same = ui.full[0] === full[0] && ui.full[1] === full[1];
	ui.full = full;
	if (!same) ui.view = full.slice();
	draw();
}

function updateSummary(doc) {
	const s = doc.summary || {};
	const kinds = s.by_kind || {};
	ui.stable.update(Object.entries(kinds).map(([k, v]) => ({key: k, cells: {
		kind: {text: k.replace('_', ' '), cls: 'k-' + ({system_ram: 'ram', pci_mmio: 'pci'}[k] || k)},
		count: {text: count(v.count), value: v.count},
		bytes: {text: doc.addresses_hidden ? NONE : bytes(v.bytes), value: doc.addresses_hidden ? null : v.bytes},
	}})));
	const facts = [
		['System RAM', bytes(s.system_ram_bytes), 'facts-ram'],
		['holes', bytes(s.hole_bytes), 'facts-holes'],
		['highest address', s.max_address || NONE, 'facts-max'],
		['crash kernel', bytes(s.crash_kernel_bytes), 'facts-crash'],
		['resources', count(s.resources), 'facts-resources'],
	];
	ui.sfacts.replaceChildren(...facts.flatMap(([k, v, id]) => [h('dt', null, k), h('dd', {testid: id}, v)]));
	ui.ztable.update((doc.zones || []).map((z) => ({key: `${z.node}/${z.zone}`, cells: {
		zone: `node ${z.node} \u00b7 ${z.zone}`,
		range: z.phys ? `${z.phys.start} \u2013 ${z.phys.end}` : 'not on the map',
		span: z.phys ? {text: bytes(z.phys.size), value: z.phys.size} : NONE,
		present: {text: bytes(z.present_bytes), value: z.present_bytes},
	}})));
}

function updateKernel(state, doc, kdoc) {
	const ki = doc ? doc.kernel_image : null;
	const kk = kdoc ? kdoc.kernel : null;
	const ks = docState(state, 'kallsyms');
	if (!ki && !kk) ui.kimg.notice(doc && doc.addresses_hidden ? 'iomem addresses are hidden' : 'no kernel sections in iomem', 'error');
	else if (ks.msg) ui.kimg.notice('virtual addresses need kallsyms \u2014 ' + ks.msg, 'warn');
	else ui.kimg.notice(null);
	const secs = ['code', 'rodata', 'data', 'bss'];
	const vname = {code: 'text', rodata: 'rodata', data: 'data', bss: 'bss'};
	ui.ktable.update(secs.filter((s) => (ki && ki[s]) || (kk && kk[vname[s]])).map((s) => {
		const p = ki && ki[s], v = kk && kk[vname[s]];
		const size = p ? p.size : v ? v.size : null;
		return {key: s, cells: {
			sec: s,
			pstart: p ? `${p.start} \u2013 ${p.end}` : NONE,
			vstart: v ? `${v.start} \u2013 ${v.end}` : NONE,
			size: {text: bytes(size), value: size},
		}};
	}));
	const facts = [
		['physical load address', (ki && ki.physical_load_address) || NONE, 'kimage-load'],
		['_text', (kk && kk._text) || NONE, 'kimage-text'],
		['KASLR slide', (kk && kk.kaslr_slide) || NONE, 'kimage-slide'],
	];
	ui.kfacts.replaceChildren(...facts.flatMap(([k, v, id]) => [h('dt', null, k), h('dd', {class: 'mono', testid: id}, v)]));
}

function update(state) {
	if (!ui) return;
	const ds = docState(state, 'iomem');
	const doc = ds.doc;
	ui.tree.notice(ds.msg, ds.kind);
	ui.summary.notice(ds.msg, ds.kind);
	if (!doc) {
		ui.map.notice(ds.msg || 'waiting for /api/v1/iomem', 'error');
		updateKernel(state, null, state.docs.kallsyms);
		return;
	}
	if (doc !== ui.doc) {
		ui.doc = doc;
		if (!doc.addresses_hidden) ui.map.notice(ds.msg, ds.kind);
		updateMap(doc);
		updateSummary(doc);
		if (ui.sel !== null && ui.nodes[ui.sel]) choose(ui.sel, false);
	}
	if (state.docs.kallsyms !== ui.kdoc || ui.kdocErr !== state.docErr.kallsyms) {
		ui.kdoc = state.docs.kallsyms;
		ui.kdocErr = state.docErr.kallsyms;
		updateKernel(state, doc, ui.kdoc);
	}
}

function unmount() {
	ui = null;
}

export default {title: 'Physical map', docs: ['iomem', 'kallsyms'], mount, update, unmount};
