// Overview: health of every source; CPU by mode over time; per-CPU busy heat map; event rates;
// run queue; PSI.
import {HeatMap, TimeChart} from '../charts.js';
import {h, keyedTable, panel, setText, tile} from '../dom.js';
import {NONE, bytes, clock, count, dec, duration, ms, pct, pctValue, rate} from '../fmt.js';
import {docState, noticeFor, sourceProblem} from './common.js';

// Modes stacked in the utilization chart: all ticks but idle (guest and guest_nice are already
// counted in user and nice).
const MODES = ['user', 'nice', 'system', 'irq', 'softirq', 'iowait', 'steal'];
const PSI = ['cpu', 'memory', 'io'];
const HIST = 'cpu,pressure';

let ui = null;
// per-CPU busy samples this page has seen: kept when the user switches views and back
const heatStore = {rows: [], times: [], values: []};

function mount(root) {
	const health = panel('Sources', {testid: 'panel-health', wide: true, help: 'Every procfs file the daemon reads: state, age of the data served, cost of the last read'});
	const htable = keyedTable([
		{key: 'name', label: 'source'},
		{key: 'state', label: 'state'},
		{key: 'age', label: 'data from', cls: 'num'},
		{key: 'read', label: 'read', cls: 'num', help: 'time in read(): the kernel producing the text'},
		{key: 'parse', label: 'parse', cls: 'num'},
		{key: 'bytes', label: 'size', cls: 'num'},
		{key: 'failures', label: 'failures', cls: 'num'},
		{key: 'error', label: 'error', cls: 'err'},
	], {testid: 'health-table', rowTestid: (k) => 'health-' + k, cellTestid: (k, c) => `health-${c}-${k}`});
	const hstatus = h('span', {class: 'badge', testid: 'health-status'});
	health.tools.append(hstatus);
	health.body.append(htable.el);

	const now = panel('Now', {testid: 'panel-now', wide: true, help: 'From /api/v1/cpu: rates over the last sampling interval'});
	const tiles = {
		busy: tile('CPU busy', 'tile-busy', '1 - (idle + iowait) share of all ticks, all CPUs'),
		user: tile('user', 'tile-user'),
		system: tile('system', 'tile-system'),
		iowait: tile('iowait', 'tile-iowait'),
		running: tile('procs running', 'tile-procs-running', 'procs_running in /proc/stat: tasks on a run queue now'),
		blocked: tile('procs blocked', 'tile-procs-blocked', 'procs_blocked: tasks in uninterruptible sleep waiting for I/O'),
		load1: tile('load 1 min', 'tile-load1'),
		load5: tile('load 5 min', 'tile-load5'),
		load15: tile('load 15 min', 'tile-load15'),
		ctxt: tile('context switches', 'tile-ctxt'),
		forks: tile('forks', 'tile-forks'),
		intr: tile('interrupts', 'tile-intr'),
		softirq: tile('softirqs', 'tile-softirq'),
	};
	now.body.append(h('div', {class: 'tiles'}, Object.values(tiles).map((t) => t.el)));

	const util = panel('CPU utilization by mode', {testid: 'panel-util', help: 'Share of all CPU ticks per mode, stacked (idle is the rest)'});
	const utilBox = h('div', {class: 'chart'});
	util.body.append(utilBox);

	const heat = panel('Per-CPU busy', {testid: 'panel-heat', help: 'Each row a CPU, each column a sample this page received (newest right); darker is busier'});
	const heatBox = h('div');
	heat.body.append(heatBox, h('div', {class: 'legend-note'}, h('span', {class: 'swatch heat-lo'}), '0%', h('span', {class: 'swatch heat-hi'}), '100% busy'));

	const events = panel('Events per second', {testid: 'panel-events', help: 'Context switches, interrupts and softirqs (left axis), forks (right axis)'});
	const eventsBox = h('div', {class: 'chart'});
	events.body.append(eventsBox);

	const runq = panel('Run queue', {testid: 'panel-runq', help: 'procs_running and procs_blocked from /proc/stat, load1 from /proc/loadavg'});
	const runqBox = h('div', {class: 'chart'});
	runq.body.append(runqBox);

	const psi = panel('Pressure (PSI)', {testid: 'panel-psi', wide: false, help: 'Share of wall time some / all non-idle tasks were stalled on the resource'});
	const ptable = keyedTable([
		{key: 'res', label: 'resource'},
		{key: 'avg10', label: 'avg10', cls: 'num'},
		{key: 'avg60', label: 'avg60', cls: 'num'},
		{key: 'avg300', label: 'avg300', cls: 'num'},
		{key: 'total', label: 'total stall', cls: 'num'},
	], {testid: 'psi-table', cellTestid: (k, c) => `psi-${k}-${c}`});
	const psiBox = h('div', {class: 'chart'});
	psi.body.append(ptable.el, psiBox);

	root.append(h('div', {class: 'cards'}, health.el, now.el, util.el, heat.el, events.el, runq.el, psi.el));

	const charts = {
		util: new TimeChart(utilBox, MODES.map((m) => ({label: m, fmt: (v) => pct(v)})), {stacked: true, yFmt: (v) => pct(v, 0)}),
		heat: new HeatMap(heatBox, heatStore, {testid: 'heatmap', columns: 120}),
		events: new TimeChart(eventsBox, [
			{label: 'context switches', fmt: rate},
			{label: 'interrupts', fmt: rate},
			{label: 'softirqs', fmt: rate},
			{label: 'forks', fmt: rate, scale: 'y2', dash: [4, 3]},
		], {yFmt: rate, y2Fmt: rate}),
		runq: new TimeChart(runqBox, [
			{label: 'running', fmt: (v) => count(v)},
			{label: 'blocked', fmt: (v) => count(v)},
			{label: 'load1', fmt: (v) => dec(v)},
		], {}),
		psi: new TimeChart(psiBox, PSI.flatMap((r) => [
			{label: r + ' some', fmt: pctValue},
			{label: r + ' full', fmt: pctValue, dash: [4, 3]},
		]), {yFmt: (v) => v + '%', height: () => 150}),
	};
	ui = {health, htable, hstatus, now, tiles, util, heat, events, runq, psi, ptable, charts, histLen: -1};
}

function sourceState(s) {
	if (s.ok) return {text: 'ok', cls: 'ok'};
	if (s.sampled_at !== null) return {text: 'stale', cls: 'warn', title: 'failing now; serving data read earlier'};
	if (s.optional) return {text: 'absent', cls: 'muted', title: 'optional: many kernels lack this file'};
	return {text: 'failing', cls: 'bad'};
}

function updateHealth(state) {
	const hl = state.health;
	if (!hl) return;
	setText(ui.hstatus, hl.status);
	ui.hstatus.className = 'badge ' + (hl.status === 'ok' ? 'ok' : 'bad');
	ui.htable.update(Object.entries(hl.sources).map(([name, s]) => ({
		key: name,
		cells: {
			name,
			state: sourceState(s),
			age: s.sampled_at === null ? NONE : {text: duration(Math.max(0, hl.sampled_at - s.sampled_at)) + ' ago', value: s.sampled_at, title: 'read at ' + clock(s.sampled_at)},
			read: {text: ms(s.read_ms), value: s.read_ms ?? null},
			parse: {text: ms(s.parse_ms), value: s.parse_ms ?? null},
			bytes: {text: bytes(s.bytes), value: s.bytes ?? null},
			failures: {text: count(s.failures), value: s.failures},
			error: s.error || '',
		},
	})));
}

function updateNow(cpu) {
	const t = ui.tiles;
	const r = cpu ? cpu.rates || {} : {};
	const u = r.utilization || {};
	const la = cpu ? cpu.loadavg || {} : {};
	setText(t.busy.v, pct(r.busy), r.busy ?? null);
	setText(t.user.v, pct(u.user), u.user ?? null);
	setText(t.system.v, pct(u.system), u.system ?? null);
	setText(t.iowait.v, pct(u.iowait), u.iowait ?? null);
	setText(t.running.v, count(cpu && cpu.procs_running), cpu ? cpu.procs_running ?? null : null);
	setText(t.blocked.v, count(cpu && cpu.procs_blocked), cpu ? cpu.procs_blocked ?? null : null);
	setText(t.load1.v, dec(la.load1), la.load1 ?? null);
	setText(t.load5.v, dec(la.load5), la.load5 ?? null);
	setText(t.load15.v, dec(la.load15), la.load15 ?? null);
	setText(t.ctxt.v, rate(r.context_switches_per_second), r.context_switches_per_second ?? null);
	setText(t.forks.v, rate(r.forks_per_second), r.forks_per_second ?? null);
	setText(t.intr.v, rate(r.interrupts_per_second), r.interrupts_per_second ?? null);
	setText(t.softirq.v, rate(r.softirqs_per_second), r.softirqs_per_second ?? null);
}

function updatePsi(state, cpu) {
	const p = cpu && cpu.pressure;
	const missing = PSI.map((r) => sourceProblem(state, 'pressure/' + r)).filter(Boolean);
	if (cpu && !p) ui.psi.notice('PSI unavailable: ' + (missing.join('; ') || 'the kernel prints no pressure files'), 'error');
	else if (missing.length) ui.psi.notice(missing.join('; '), 'warn');
	else ui.psi.notice(null);
	const rows = [];
	for (const res of PSI) {
		for (const kind of ['some', 'full']) {
			const v = p && p[res] && p[res][kind];
			if (!v) continue;
			rows.push({key: `${res}-${kind}`, cells: {
				res: `${res} ${kind}`,
				avg10: {text: pctValue(v.avg10), value: v.avg10},
				avg60: {text: pctValue(v.avg60), value: v.avg60},
				avg300: {text: pctValue(v.avg300), value: v.avg300},
				total: {text: duration(v.total / 1e6), value: v.total, title: count(v.total) + ' \u00b5s'},
			}});
		}
	}
	ui.ptable.update(rows);
}

function updateCharts(state, cpu) {
	const hist = state.history[HIST];
	const herr = state.historyErr[HIST];
	for (const p of [ui.util, ui.events, ui.runq]) p.notice(herr ? 'history: ' + herr : null, 'warn');
	if (hist && hist.t.length !== ui.histLen) {
		ui.histLen = hist.t.length;
		const g = (n) => hist.get(n);
		ui.charts.util.setData(hist.t, MODES.map((m) => g('cpu.utilization.' + m)));
		ui.charts.events.setData(hist.t, ['context_switches', 'interrupts', 'softirqs', 'forks'].map((n) => g(`cpu.${n}_per_second`)));
		ui.charts.runq.setData(hist.t, [g('cpu.procs_running'), g('cpu.procs_blocked'), g('cpu.load1')]);
		ui.charts.psi.setData(hist.t, PSI.flatMap((r) => [g(`pressure.${r}.some.avg10`), g(`pressure.${r}.full.avg10`)]));
	}
	if (cpu && cpu.rates) {
		ui.charts.heat.push(cpu.sampled_at, cpu.rates.cpus.map((c) => c.cpu), cpu.rates.cpus.map((c) => c.busy));
	}
}

function update(state) {
	if (!ui) return;
	updateHealth(state);
	const ds = docState(state, 'cpu');
	const cpu = ds.doc;
	for (const p of [ui.now, ui.heat]) noticeFor(p, ds);
	if (!ds.msg && cpu && !cpu.rates) ui.now.notice('rates appear from the second sample on', 'warn');
	updateNow(cpu);
	updatePsi(state, cpu);
	updateCharts(state, cpu);
}

function unmount() {
	for (const c of Object.values(ui.charts)) c.destroy();
	ui = null;
}

export default {title: 'Overview', docs: ['cpu'], history: [HIST], mount, update, unmount};
