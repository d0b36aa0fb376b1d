// Charts: uPlot for time series and per-order bars, a small canvas heat map. Every chart sizes
// itself to its container, takes its colours from the theme's CSS variables, and is updated with
// setData() (never re-created) so a live update is one redraw.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {h} from './dom.js';

const charts = new Set();

function css(name) {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function palette() {
	return Array.from({length: 10}, (_, i) => css('--c' + i));
}

function axisStyle() {
	return {stroke: css('--muted'), grid: {stroke: css('--grid'), width: 1}, ticks: {stroke: css('--grid'), width: 1}, font: '11px system-ui, sans-serif'};
}

// Tick steps for byte axes: powers of two (1 GiB, 512 MiB, ...), not powers of ten.
const BINARY = Array.from({length: 62}, (_, i) => 2 ** i);

// Cumulative sums for a stacked chart, and the bands that fill between neighbours. Series keep
// their raw values for the legend; a null stays a gap but does not break the stack.
function stack(cols) {
	const n = cols.length ? cols[0].length : 0;
	const acc = new Array(n).fill(0);
	const out = cols.map((c) => c.map((v, i) => (v === null || v === undefined ? null : (acc[i] += v))));
	const bands = [];
	for (let s = 1; s < cols.length; s++) bands.push({series: [s + 1, s]});
	return {out, bands};
}

function observeSize(el, u, height) {
	const ro = new ResizeObserver(() => {
		const w = Math.max(200, Math.floor(el.clientWidth));
		if (w !== u.width) u.setSize({width: w, height: height()});
	});
	ro.observe(el);
	return ro;
}

// Base for both chart kinds: owns the uPlot instance, re-creates it on a theme change.
class Chart {
	constructor(el, height) {
		this.el = el;
		this.height = height;
		this.data = null;
		charts.add(this);
	}
	make() {
		const opts = this.options();
		opts.width = Math.max(200, Math.floor(this.el.clientWidth) || 300);
		opts.height = this.height();
		this.u = new uPlot(opts, this.data || opts.empty, this.el);
		this.ro = observeSize(this.el, this.u, this.height);
	}
	retheme() {
		this.ro.disconnect();
		this.u.destroy();
		this.make();
	}
	destroy() {
		charts.delete(this);
		this.ro.disconnect();
		this.u.destroy();
	}
}

export function rethemeAll() {
	for (const c of charts) c.retheme();
}

function chartHeight() {
	return window.innerWidth < 600 ? 160 : 200;
}

// Time series. series: [{label, fmt, scale: 'y'|'y2', dash}], opts: {stacked, yFmt, y2Fmt,
// yMax, yMin}. setData(t[], cols[][]) with t in Unix seconds.
export class TimeChart extends Chart {
	constructor(el, series, opts = {}) {
		super(el, opts.height || chartHeight);
		this.series = series;
		this.opts = opts;
		this.make();
	}
	options() {
		const {series, opts} = this;
		const pal = palette();
		const ax = axisStyle();
		const scales = {x: {time: true}, y: {range: (u, min, max) => [opts.yMin ?? Math.min(0, min), opts.yMax ?? (max > 0 ? max * 1.05 : 1)]}};
		const axes = [{...ax, space: 60}, {...ax, size: 64, incrs: opts.binary ? BINARY : undefined, values: (u, v) => v.map((x) => (opts.yFmt ? opts.yFmt(x) : x))}];
		if (series.some((s) => s.scale === 'y2')) {
			scales.y2 = {range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1]};
			axes.push({...ax, scale: 'y2', side: 1, size: 60, grid: {show: false}, values: (u, v) => v.map((x) => (opts.y2Fmt ? opts.y2Fmt(x) : x))});
		}
		const raw = () => this.raw;
		return {
			scales, axes,
			legend: {live: true},
			cursor: {drag: {x: false, y: false}},
			bands: opts.stacked ? stack(series.map(() => [])).bands : [],
			series: [{}].concat(series.map((s, i) => ({
				label: s.label,
				scale: s.scale || 'y',
				stroke: s.color || pal[i % pal.length],
				fill: opts.stacked ? (s.color || pal[i % pal.length]) + 'b0' : undefined,
				width: 1.5,
				dash: s.dash,
				points: {show: false},
				spanGaps: false,
				value: (u, v, si, idx) => {
					const r = raw();
					const x = idx === null || !r ? v : r[si - 1][idx];
					return x === null || x === undefined ? '\u2014' : s.fmt ? s.fmt(x) : String(x);
				},
			}))),
			empty: [[], ...series.map(() => [])],
		};
	}
	setData(t, cols) {
		this.raw = cols;
		const shown = this.opts.stacked ? stack(cols).out : cols;
		this.data = [t, ...shown];
		this.u.setData(this.data, true);
	}
}

// Bars per category (orders 0..10), optionally stacked. series: [{label, color}].
export class BarChart extends Chart {
	constructor(el, categories, series, opts = {}) {
		super(el, opts.height || chartHeight);
		this.categories = categories;
		this.series = series;
		this.opts = opts;
		this.make();
	}
	options() {
		const pal = palette();
		const ax = axisStyle();
		const {opts, series} = this;
		const cats = this.categories;
		const log = !!opts.log;
		const raw = () => this.raw;
		return {
			scales: {
				x: {time: false, range: (u) => [-0.5, cats.length - 0.5]},
				y: log ? {distr: 3, log: 2} : {range: (u, min, max) => [opts.yMin ?? 0, opts.yMax ?? (max > 0 ? max * 1.05 : 1)]},
			},
			axes: [
				{...ax, space: 20, incrs: [1], values: (u, v) => v.map((x) => (Number.isInteger(x) && cats[x] !== undefined ? cats[x] : ''))},
				{...ax, size: 64, incrs: opts.binary && !log ? BINARY : undefined, values: (u, v) => v.map((x) => (opts.yFmt ? opts.yFmt(x) : x))},
			],
			legend: {live: true},
			cursor: {drag: {x: false, y: false}, points: {show: false}},
			bands: opts.stacked ? stack(series.map(() => [])).bands : [],
			series: [{label: opts.xLabel || 'order', value: (u, v) => (v === null || cats[v] === undefined ? '\u2014' : opts.xValue ? opts.xValue(v) : cats[v])}].concat(series.map((s, i) => ({
				label: s.label,
				stroke: s.color || pal[i % pal.length],
				fill: s.lines ? undefined : (s.color || pal[i % pal.length]) + 'd0',
				width: s.lines ? 2 : 1,
				paths: s.lines ? undefined : uPlot.paths.bars({size: [0.7, 64], align: 0}),
				points: {show: !!s.lines, size: 6},
				value: (u, v, si, idx) => {
					const r = raw();
					const x = idx === null || !r ? v : r[si - 1][idx];
					return x === null || x === undefined ? '\u2014' : opts.yFmt ? opts.yFmt(x) : String(x);
				},
			}))),
			empty: [cats.map((_, i) => i), ...series.map(() => cats.map(() => null))],
		};
	}
	// Change the series (e.g. migrate types differ between kernels) or the scale.
	reshape(series, opts) {
		this.series = series;
		Object.assign(this.opts, opts);
		this.data = null;
		this.retheme();
	}
	setData(cols) {
		this.raw = cols;
		let shown = this.opts.stacked ? stack(cols).out : cols;
		if (this.opts.log) shown = shown.map((c) => c.map((v) => (v > 0 ? v : null)));
		this.data = [this.categories.map((_, i) => i), ...shown];
		this.u.setData(this.data, true);
	}
}

// A heat map of a share in [0, 1] per row (CPU) over time (columns, newest right). The samples
// live in `store` ({rows, times, values}), which the caller may keep across re-mounts.
export class HeatMap {
	constructor(el, store, opts = {}) {
		this.el = el;
		this.store = store;
		this.cols = opts.columns || 120;
		this.canvas = h('canvas', {class: 'heat', testid: opts.testid});
		this.tip = h('div', {class: 'tip', hidden: true});
		el.append(h('div', {class: 'heatwrap'}, this.canvas, this.tip));
		this.ro = new ResizeObserver(() => this.draw());
		this.ro.observe(el);
		this.canvas.addEventListener('mousemove', (e) => this.hover(e));
		this.canvas.addEventListener('mouseleave', () => (this.tip.hidden = true));
		charts.add(this);
	}
	get rows() {
		return this.store.rows;
	}
	get times() {
		return this.store.times;
	}
	get values() {
		return this.store.values; // per column: one share per row
	}
	push(t, rows, values) {
		const st = this.store;
		if (st.times.length && st.times[st.times.length - 1] === t) return;
		if (rows.join() !== st.rows.join()) {
			st.rows = rows;
			st.times = [];
			st.values = [];
		}
		st.times.push(t);
		st.values.push(values);
		if (st.times.length > this.cols) {
			st.times.shift();
			st.values.shift();
		}
		this.draw();
	}
	geometry() {
		const w = Math.max(200, this.el.clientWidth);
		const n = Math.max(1, this.rows.length);
		const label = n > 64 ? 0 : 36;
		// about 160 px tall: 2 CPUs get 80 px rows, 480 CPUs 1 px rows
		const rowH = Math.max(1, Math.min(80, Math.floor(160 / n)));
		return {w, label, rowH, hgt: rowH * n + 14, plotH: rowH * n, cw: (w - label) / this.cols};
	}
	draw() {
		const g = this.geometry();
		const dpr = window.devicePixelRatio || 1;
		const c = this.canvas;
		if (c.width !== Math.round(g.w * dpr) || c.height !== Math.round(g.hgt * dpr)) {
			c.width = Math.round(g.w * dpr);
			c.height = Math.round(g.hgt * dpr);
			c.style.width = g.w + 'px';
			c.style.height = g.hgt + 'px';
		}
		const x = c.getContext('2d');
		x.setTransform(dpr, 0, 0, dpr, 0, 0);
		x.clearRect(0, 0, g.w, g.hgt);
		const empty = css('--heat-empty'), lo = css('--heat-lo'), hi = css('--heat-hi');
		x.fillStyle = empty;
		x.fillRect(g.label, 0, g.w - g.label, g.plotH);
		const off = this.cols - this.values.length;
		for (let j = 0; j < this.values.length; j++) {
			const col = this.values[j];
			for (let i = 0; i < this.rows.length; i++) {
				const v = col[i];
				if (v === null || v === undefined) continue;
				x.fillStyle = mix(lo, hi, Math.max(0, Math.min(1, v)));
				x.fillRect(g.label + (off + j) * g.cw, i * g.rowH, Math.ceil(g.cw), g.rowH - (g.rowH > 4 ? 1 : 0));
			}
		}
		x.fillStyle = css('--muted');
		x.font = '10px system-ui, sans-serif';
		x.textBaseline = 'middle';
		if (g.label) {
			const every = Math.ceil(12 / g.rowH);
			for (let i = 0; i < this.rows.length; i += every) x.fillText('cpu' + this.rows[i], 0, i * g.rowH + g.rowH / 2);
		}
		// time axis: the newest sample at the right edge, seconds before it to the left
		if (this.times.length) {
			const tEnd = this.times[this.times.length - 1];
			x.textBaseline = 'bottom';
			for (let j = this.values.length - 1; j >= 0; j -= 30) {
				const xx = g.label + (off + j + 1) * g.cw;
				const s = Math.round(tEnd - this.times[j]);
				x.textAlign = xx > g.w - 20 ? 'right' : 'center';
				x.fillText(s ? `-${s} s` : 'now', Math.min(xx, g.w), g.hgt);
			}
			x.textAlign = 'start';
		}
	}
	hover(e) {
		const g = this.geometry();
		const r = this.canvas.getBoundingClientRect();
		const px = e.clientX - r.left, py = e.clientY - r.top;
		const j = Math.floor((px - g.label) / g.cw) - (this.cols - this.values.length);
		const i = Math.floor(py / g.rowH);
		if (j < 0 || j >= this.values.length || i < 0 || i >= this.rows.length) {
			this.tip.hidden = true;
			return;
		}
		const v = this.values[j][i];
		const d = new Date(this.times[j] * 1000);
		this.tip.textContent = `cpu${this.rows[i]} at ${d.toLocaleTimeString()}: ${v === null || v === undefined ? 'no data' : (v * 100).toFixed(1) + '% busy'}`;
		this.tip.hidden = false;
		this.tip.style.left = Math.min(px + 12, g.w - 180) + 'px';
		this.tip.style.top = py + 12 + 'px';
	}
	retheme() {
		this.draw();
	}
	destroy() {
		charts.delete(this);
		this.ro.disconnect();
	}
}

// #rrggbb colours mixed linearly.
function mix(a, b, t) {
	const p = (c, k) => parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16);
	const out = [0, 1, 2].map((k) => Math.round(p(a, k) + (p(b, k) - p(a, k)) * t));
	return `rgb(${out[0]},${out[1]},${out[2]})`;
}
