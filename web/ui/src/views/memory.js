// Memory: per zone, free memory by order stacked by migrate type; unusable and fragmentation
// indices; pageblock mix; free pages against the watermarks; the allocation headroom table; free
// pages and fragmentation over time.
import {BarChart, TimeChart, palette} from '../charts.js';
import {h, keyedTable, panel, setAttr, setText, tile} from '../dom.js';
import {NONE, bytes, count, index3, pages, pct} from '../fmt.js';
import {docState, sourceProblem} from './common.js';

const HIST = 'zone';
const MARKS = ['min', 'low', 'high'];

let ui = null;
let selected = null; // "node/zone"

const keyOf = (z) => `${z.node}/${z.zone}`;
const orderLabel = (k, ps) => `${k} \u00b7 ${bytes(ps * 2 ** k)}`;
const orderCats = (n) => Array.from({length: n}, (_, k) => String(k));

function mount(root, ctx) {
	if (ctx.args && ctx.args.length >= 2) selected = `${ctx.args[0]}/${ctx.args[1]}`;
	const zones = panel('Zones', {testid: 'panel-zones', wide: true, help: 'Every zone in /proc/zoneinfo order; click one to inspect it'});
	const ztable = keyedTable([
		{key: 'zone', label: 'zone'},
		{key: 'free', label: 'free', cls: 'num'},
		{key: 'managed', label: 'managed', cls: 'num'},
		{key: 'min', label: 'min', cls: 'num'},
		{key: 'low', label: 'low', cls: 'num'},
		{key: 'high', label: 'high', cls: 'num'},
		{key: 'largest', label: 'largest free', cls: 'num'},
		{key: 'huge', label: `huge pages until low`, cls: 'num', help: 'pageblock-order allocations that would pass the low watermark'},
	], {testid: 'zones-table', rowTestid: (k) => 'zone-row-' + k.replace('/', '-'), cellTestid: (k, c) => `zone-${c}-${k.replace('/', '-')}`, onRowClick: (k) => select(k, ctx)});
	zones.body.append(ztable.el);

	const sum = panel('Zone', {testid: 'panel-zone', wide: true});
	const title = h('span', {class: 'badge', testid: 'zone-selected'});
	sum.tools.append(title);
	const tiles = {
		free: tile('free', 'zone-free', "zoneinfo 'pages free'"),
		managed: tile('managed', 'zone-managed', 'pages the buddy allocator manages'),
		present: tile('present', 'zone-present'),
		spanned: tile('spanned', 'zone-spanned'),
		min: tile('min watermark', 'wm-min'),
		low: tile('low watermark', 'wm-low', 'kswapd wakes below this'),
		high: tile('high watermark', 'wm-high', 'kswapd sleeps above this'),
		largest: tile('largest free order', 'zone-largest'),
		huge: tile('huge pages until low', 'zone-huge', 'allocations of pageblock order that pass the low watermark'),
		cma: tile('free CMA', 'zone-cma'),
	};
	const gauge = h('div', {class: 'gauge', testid: 'wm-gauge'});
	const gbar = h('div', {class: 'gbar'});
	const gmarks = MARKS.map((m) => h('div', {class: 'gmark ' + m, testid: 'wm-mark-' + m}, h('span', null, m)));
	gauge.append(gbar, ...gmarks);
	const gtext = h('div', {class: 'gtext', testid: 'wm-text'});
	sum.body.append(h('div', {class: 'tiles'}, Object.values(tiles).map((t) => t.el)), h('h3', null, 'Free pages against the watermarks'), gauge, gtext);

	const orders = panel('Free memory by order', {testid: 'panel-orders', help: 'Bytes free in blocks of each order, stacked by migrate type (pagetypeinfo), or in total (buddyinfo)'});
	const logBox = h('input', {type: 'checkbox', testid: 'orders-log', onchange: () => {
		ui.charts.orders.reshape(ui.charts.orders.series, {log: logBox.checked});
		ui.ordersKey = null;
		update(ctx.state);
	}});
	orders.tools.append(h('label', {class: 'check'}, logBox, 'log'));
	const ordersBox = h('div', {class: 'chart', testid: 'orders-chart'});
	orders.body.append(ordersBox);

	const frag = panel('Fragmentation by order', {testid: 'panel-frag', help: 'unusable index: share of free memory that cannot serve an order-k request; fragmentation index: towards 1 a failure would be due to fragmentation, towards 0 to lack of memory, -1 when a block is free (the kernel\'s extfrag formulas)'});
	const fragBox = h('div', {class: 'chart'});
	frag.body.append(fragBox);

	const head = panel('Allocation headroom', {testid: 'panel-headroom', help: 'Would an order-k GFP_KERNEL allocation pass each watermark now (6.x __zone_watermark_ok), and how many would pass the low one'});
	const htable = keyedTable([
		{key: 'order', label: 'order', cls: 'num'},
		{key: 'size', label: 'block', cls: 'num'},
		{key: 'blocks', label: 'free blocks', cls: 'num'},
		{key: 'unusable', label: 'unusable', cls: 'num', help: 'free bytes in blocks too small for this order'},
		{key: 'uidx', label: 'unusable idx', cls: 'num'},
		{key: 'fidx', label: 'frag idx', cls: 'num'},
		{key: 'min', label: 'min', cls: 'ok-cell'},
		{key: 'low', label: 'low', cls: 'ok-cell'},
		{key: 'high', label: 'high', cls: 'ok-cell'},
		{key: 'until', label: 'allocs until low', cls: 'num'},
	], {testid: 'headroom-table', cellTestid: (k, c) => `headroom-${k}-${c}`});
	head.body.append(htable.el);

	const blocks = panel('Pageblocks by migrate type', {testid: 'panel-pageblocks', help: 'How the zone\'s pageblocks are tagged (pagetypeinfo "Number of blocks type")'});
	const mix = h('div', {class: 'mix', testid: 'pageblock-mix'});
	const btable = keyedTable([
		{key: 'type', label: 'type'},
		{key: 'blocks', label: 'pageblocks', cls: 'num'},
		{key: 'bytes', label: 'size', cls: 'num'},
		{key: 'share', label: 'share', cls: 'num'},
		{key: 'free', label: 'free in type', cls: 'num'},
	], {testid: 'pageblocks-table', cellTestid: (k, c) => `pageblocks-${c}-${k}`});
	blocks.body.append(mix, btable.el);

	const tfree = panel('Free pages over time', {testid: 'panel-free-time', help: 'zoneinfo free pages per sample, with the current watermarks'});
	const tfreeBox = h('div', {class: 'chart'});
	tfree.body.append(tfreeBox);
	const tfrag = panel('Fragmentation over time', {testid: 'panel-frag-time', help: 'Indices at the pageblock order, and the largest free order (right axis)'});
	const tfragBox = h('div', {class: 'chart'});
	tfrag.body.append(tfragBox);

	root.append(h('div', {class: 'cards'}, zones.el, sum.el, orders.el, frag.el, head.el, blocks.el, tfree.el, tfrag.el));
	ui = {
		zones, ztable, sum, title, tiles, gauge, gbar, gmarks, gtext, orders, frag, head, htable, blocks, mix, btable, tfree, tfrag,
		charts: {
			orders: new BarChart(ordersBox, [], [], {stacked: true, yFmt: bytes, binary: true}),
			frag: new BarChart(fragBox, [], [{label: 'unusable index', lines: true}, {label: 'fragmentation index', lines: true}], {yMin: -1, yMax: 1, yFmt: (v) => v.toFixed(1)}),
			free: new TimeChart(tfreeBox, [{label: 'free', fmt: bytes}, ...MARKS.map((m) => ({label: m, dash: [4, 3], fmt: bytes}))], {yFmt: bytes, binary: true}),
			fragT: new TimeChart(tfragBox, [
				{label: 'unusable index', fmt: index3},
				{label: 'fragmentation index', fmt: index3},
				{label: 'largest free order', scale: 'y2', dash: [4, 3], fmt: String},
			], {yMin: -1, yMax: 1, yFmt: (v) => v.toFixed(1)}),
		},
		ordersKey: null, fragKey: null, histKey: null,
	};
}

function select(key, ctx) {
	selected = key;
	const [n, z] = key.split('/');
	history.replaceState(null, '', `#memory/${n}/${z}`);
	ui.ordersKey = ui.fragKey = ui.histKey = null;
	update(ctx.state);
}

function route(args) {
	if (args.length >= 2 && ui) select(`${args[0]}/${args[1]}`, {state: lastState});
}

function pickDefault(zs) {
	// the first node's Normal zone (where GFP_KERNEL allocations land), else the populated zone
	// with the most managed pages
	const normal = zs.find((z) => z.zone === 'Normal' && z.populated !== false);
	if (normal) return normal;
	let best = null;
	for (const z of zs) if (z.populated !== false && (!best || (z.managed ?? 0) > (best.managed ?? 0))) best = z;
	return best || zs[0];
}

function updateZonesTable(zs, ps, buddyOf) {
	ui.ztable.update(zs.map((z) => {
		const w = z.watermarks || {};
		const lo = z.largest_free_order ?? (buddyOf(z) || {}).largest_free_order;
		return {key: keyOf(z), cells: {
			zone: {text: `node ${z.node} \u00b7 ${z.zone}` + (z.populated === false ? ' (empty)' : ''), cls: keyOf(z) === selected ? 'sel' : ''},
			free: {text: pages(z.free_pages ?? z.buddy_free_pages, ps), value: z.free_pages ?? z.buddy_free_pages ?? null},
			managed: {text: pages(z.managed, ps), value: z.managed ?? null},
			min: {text: pages(w.min, ps), value: w.min ?? null},
			low: {text: pages(w.low, ps), value: w.low ?? null},
			high: {text: pages(w.high, ps), value: w.high ?? null},
			largest: lo === null || lo === undefined ? NONE : {text: orderLabel(lo, ps), value: lo},
			huge: z.headroom ? {text: count(z.headroom.huge_pages_until_low), value: z.headroom.huge_pages_until_low} : NONE,
		}};
	}));
}

function updateSummary(z, ps) {
	const t = ui.tiles;
	const w = z.watermarks || {};
	setText(ui.title, `node ${z.node} \u00b7 ${z.zone}`);
	setText(t.free.v, pages(z.free_pages ?? z.buddy_free_pages, ps), z.free_pages ?? z.buddy_free_pages ?? null);
	setText(t.managed.v, pages(z.managed, ps), z.managed ?? null);
	setText(t.present.v, pages(z.present, ps), z.present ?? null);
	setText(t.spanned.v, pages(z.spanned, ps), z.spanned ?? null);
	for (const m of MARKS) setText(t[m].v, pages(w[m], ps), w[m] ?? null);
	const lo = z.largest_free_order;
	setText(t.largest.v, lo === null || lo === undefined ? NONE : orderLabel(lo, ps), lo ?? null);
	setText(t.huge.v, z.headroom ? count(z.headroom.huge_pages_until_low) : NONE, z.headroom ? z.headroom.huge_pages_until_low : null);
	setText(t.cma.v, pages(z.free_cma, ps), z.free_cma ?? null);

	// gauge: free against min/low/high on a scale to 1.5x the larger of high and free
	const free = z.free_pages ?? z.buddy_free_pages ?? 0;
	const top = Math.max(free, w.high ?? 0) * 1.5 || 1;
	const state = free <= (w.min ?? -1) ? 'bad' : free <= (w.low ?? -1) ? 'warn' : free <= (w.high ?? -1) ? 'mid' : 'ok';
	ui.gbar.style.width = Math.min(100, (100 * free) / top) + '%';
	ui.gbar.className = 'gbar ' + state;
	MARKS.forEach((m, i) => {
		ui.gmarks[i].hidden = w[m] === undefined;
		ui.gmarks[i].style.left = Math.min(100, (100 * (w[m] ?? 0)) / top) + '%';
		setAttr(ui.gmarks[i], 'title', `${m}: ${pages(w[m], ps)}`);
	});
	const ratio = w.high ? free / w.high : null;
	setText(ui.gtext, `free ${pages(free, ps)} \u00b7 min ${pages(w.min, ps)} \u00b7 low ${pages(w.low, ps)} \u00b7 high ${pages(w.high, ps)}` +
		(ratio !== null ? ` \u00b7 ${ratio.toFixed(1)}\u00d7 high` : '') + ` \u00b7 ${{bad: 'below min: only atomic/reclaim allocations', warn: 'below low: kswapd is reclaiming', mid: 'below high: kswapd keeps reclaiming', ok: 'above high'}[state]}`);
}

function updateOrders(state, z, b, ps) {
	const pt = z.pagetype;
	const fb = z.free_blocks || (b && b.free_blocks);
	const norders = pt ? Object.values(pt.free_blocks)[0].length : fb ? fb.length : 0;
	const types = pt ? Object.keys(pt.free_blocks) : ['all types'];
	const key = `${keyOf(z)}|${types.join()}|${norders}|${ps}`;
	const c = ui.charts.orders;
	if (ui.ordersKey !== key) {
		ui.ordersKey = key;
		ui.ordersZone = null;
		c.categories = orderCats(norders);
		c.opts.xValue = (k) => orderLabel(k, ps);
		const pal = palette();
		c.reshape(types.map((t, i) => ({label: t, color: pal[i % pal.length]})), {});
	}
	const problem = sourceProblem(state, 'pagetypeinfo');
	if (!pt) ui.orders.notice(`by migrate type needs pagetypeinfo${problem ? ' \u2014 ' + problem : ''}; showing buddyinfo totals`, 'warn');
	else ui.orders.notice(null);
	if (!fb && !pt) {
		ui.orders.notice('no free lists for this zone', 'error');
		return;
	}
	if (ui.ordersZone === z) return; // unchanged document: nothing to redraw
	ui.ordersZone = z;
	const cols = pt ? types.map((t) => pt.free_blocks[t].map((n, k) => n * 2 ** k * ps)) : [fb.map((n, k) => n * 2 ** k * ps)];
	c.setData(cols);
}

function updateFrag(state, z, b, ps) {
	const c = ui.charts.frag;
	const bs = docState(state, 'buddy');
	if (!b) {
		ui.frag.notice(bs.msg || sourceProblem(state, 'buddyinfo') || 'zone not listed in buddyinfo', 'error');
		return;
	}
	ui.frag.notice(bs.msg, bs.kind);
	const n = b.unusable_index.length;
	const key = `${keyOf(z)}|${n}|${ps}`;
	if (ui.fragKey !== key) {
		ui.fragKey = key;
		ui.fragZone = null;
		c.categories = orderCats(n);
		c.opts.xValue = (k) => orderLabel(k, ps);
		c.reshape(c.series, {});
	}
	if (ui.fragZone === b) return;
	ui.fragZone = b;
	c.setData([b.unusable_index, b.fragmentation_index]);
}

// arr[k], or null when the array is absent (zones without zoneinfo have no watermarks, ...)
const at = (arr, k) => (Array.isArray(arr) ? arr[k] ?? null : null);
const shownAt = (arr, k, f) => (Array.isArray(arr) ? {text: f(arr[k]), value: arr[k] ?? null} : NONE);
const yes = (v) => (v === null || v === undefined ? {text: NONE, value: null} : {text: v ? '\u2713' : '\u2717', value: v, cls: v ? 'pass' : 'fail'});

function updateHeadroom(state, z, b, ps, stale) {
	const fb = z.free_blocks || (b && b.free_blocks) || [];
	const hr = z.headroom;
	const ok = z.alloc_ok;
	if (!z.alloc_ok && z.populated !== false) ui.head.notice(`no watermark checks: ${['HighMem', 'Movable', 'Device'].includes(z.zone) ? 'GFP_KERNEL does not use this zone' : 'an input is missing (zoneinfo: ' + (sourceProblem(state, 'zoneinfo') || 'zone not listed') + ')'}`, 'warn');
	else if (z.populated === false) ui.head.notice('zone is empty', 'warn');
	else ui.head.notice(stale, 'warn');
	ui.htable.update(fb.map((n, k) => ({key: String(k), cells: {
		order: {text: String(k), value: k},
		size: bytes(ps * 2 ** k),
		blocks: {text: count(n), value: n},
		unusable: shownAt(hr && hr.unusable_bytes, k, bytes),
		uidx: shownAt(b && b.unusable_index, k, index3),
		fidx: shownAt(b && b.fragmentation_index, k, index3),
		min: yes(at(ok && ok.min, k)),
		low: yes(at(ok && ok.low, k)),
		high: yes(at(ok && ok.high, k)),
		until: shownAt(hr && hr.allocations_until_low, k, count),
	}})));
}

function updateBlocks(state, z, ps, pageblockOrder) {
	const pt = z.pagetype;
	if (!pt) {
		ui.blocks.notice(sourceProblem(state, 'pagetypeinfo') || 'this zone is not in pagetypeinfo', 'error');
		ui.btable.update([]);
		ui.mix.replaceChildren();
		return;
	}
	ui.blocks.notice(null);
	const pal = palette();
	const types = Object.keys(pt.pageblocks);
	const total = types.reduce((a, t) => a + pt.pageblocks[t], 0) || 1;
	const blockBytes = ps * 2 ** (pageblockOrder ?? 9);
	if (ui.mix.childElementCount !== types.length) ui.mix.replaceChildren(...types.map(() => h('div')));
	types.forEach((t, i) => {
		const d = ui.mix.children[i];
		d.style.width = (100 * pt.pageblocks[t]) / total + '%';
		d.style.background = pal[i % pal.length];
		setAttr(d, 'title', `${t}: ${count(pt.pageblocks[t])} pageblocks (${pct(pt.pageblocks[t] / total)})`);
	});
	const freeOf = (t) => pt.free_blocks[t].reduce((a, n, k) => a + n * 2 ** k, 0) * ps;
	ui.btable.update(types.map((t, i) => ({key: t, cells: {
		type: {text: t, cls: 'c' + (i % 10)},
		blocks: {text: count(pt.pageblocks[t]), value: pt.pageblocks[t]},
		bytes: {text: bytes(pt.pageblocks[t] * blockBytes), value: pt.pageblocks[t] * blockBytes},
		share: {text: pct(pt.pageblocks[t] / total), value: pt.pageblocks[t] / total},
		free: {text: bytes(freeOf(t)), value: freeOf(t)},
	}})));
}

function updateHistory(state, z, ps) {
	const hist = state.history[HIST];
	const err = state.historyErr[HIST];
	for (const p of [ui.tfree, ui.tfrag]) p.notice(err ? 'history: ' + err : null, 'warn');
	if (!hist) return;
	const key = `${keyOf(z)}|${hist.t.length}|${hist.t[hist.t.length - 1]}|${JSON.stringify(z.watermarks)}`;
	if (key === ui.histKey) return;
	ui.histKey = key;
	const base = `zone.${z.node}.${z.zone}.`;
	const w = z.watermarks || {};
	const free = hist.get(base + 'free_pages').map((v) => (v === null ? null : v * ps));
	ui.charts.free.setData(hist.t, [free, ...MARKS.map((m) => hist.t.map(() => (w[m] === undefined ? null : w[m] * ps)))]);
	ui.charts.fragT.setData(hist.t, [hist.get(base + 'unusable_index'), hist.get(base + 'fragmentation_index'), hist.get(base + 'largest_free_order')]);
}

let lastState = null;

function update(state) {
	lastState = state;
	if (!ui) return;
	const zs = docState(state, 'zones');
	const bs = docState(state, 'buddy');
	ui.zones.notice(zs.msg, zs.kind);
	const zdoc = zs.doc;
	if (!zdoc) {
		for (const p of [ui.sum, ui.orders, ui.frag, ui.head, ui.blocks]) p.notice(zs.msg || 'waiting for /api/v1/zones', 'error');
		return;
	}
	const ps = zdoc.page_size;
	const list = zdoc.zones;
	const buddyOf = (z) => (bs.doc ? bs.doc.zones.find((x) => x.node === z.node && x.zone === z.zone) : null);
	if (!selected || !list.some((z) => keyOf(z) === selected)) selected = keyOf(pickDefault(list));
	const z = list.find((x) => keyOf(x) === selected);
	const b = buddyOf(z);
	updateZonesTable(list, ps, buddyOf);
	ui.sum.notice(zs.msg, zs.kind);
	updateSummary(z, ps);
	updateOrders(state, z, b, ps);
	updateFrag(state, z, b, ps);
	updateHeadroom(state, z, b, ps, zs.msg || docState(state, 'buddy').msg);
	updateBlocks(state, z, ps, z.headroom ? z.headroom.pageblock_order : (state.docs.pagetype || {}).pageblock_order);
	updateHistory(state, z, ps);
}

function unmount() {
	for (const c of Object.values(ui.charts)) c.destroy();
	ui = null;
}

export default {title: 'Memory', docs: ['zones', 'buddy'], history: [HIST], mount, update, unmount, route};
