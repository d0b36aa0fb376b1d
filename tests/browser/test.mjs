#!/usr/bin/env node
// Browser tests of the dashboard (meson suite 'browser', run by run.sh). The real procintrod
// serves a fixture tree over loopback; headless Chromium opens every view and the numbers shown
// are checked against the API's (each element's data-value against the JSON value, its text
// against web/ui/src/fmt.js applied to it). Also: the bundle is reproducible, assets and ETags,
// the prefix search endpoint, symbol search and the symbolizer, zooming the physical map, live
// updates that keep the DOM, a source failing at run time, a tree with failing sources, no
// console errors, first paint time, and screenshots of every view (light/dark, desktop/phone).
//
// node test.mjs --daemon BIN --fixtures DIR --ui DIR(with node_modules) --dist DIR --out DIR
//               [--docs DIR (copy the screenshots of the first tree there)]
import {execFileSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {Daemon, LiveTree, browser, http, parseArgs, rawStatus, sleep} from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
const here = fileURLToPath(new URL('.', import.meta.url));
const src = join(here, '../..');
const fmt = await import(pathToFileURL(join(src, 'web/ui/src/fmt.js')).href);
const OUT = args.out || 'browser-artifacts';
mkdirSync(OUT, {recursive: true});

let passed = 0, failed = 0;
async function test(name, fn) {
	const t0 = Date.now();
	try {
		await fn();
		passed++;
		console.log(`ok   ${name} (${Date.now() - t0} ms)`);
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
	}
}
function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}
function eq(got, want, what) {
	if (got !== want) throw new Error(`${what}: shown ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

// --- page helpers -------------------------------------------------------------------------

// A page that records console errors, failed responses and every JSON body it received.
async function open(ctx, base, hash) {
	const page = await ctx.newPage();
	page.errors = [];
	page.bad = [];
	page.bodies = new Map(); // path -> promise of the last 200 body
	page.urls = [];
	page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
	page.on('pageerror', (e) => page.errors.push('pageerror: ' + e.message));
	page.on('response', (r) => {
		const u = new URL(r.url());
		page.urls.push(u.pathname + u.search);
		if (r.status() >= 400 && !page.allow4xx) page.bad.push(`${r.status()} ${u.pathname}${u.search}`);
		if (r.status() === 200 && (u.pathname.startsWith('/api/') || u.pathname === '/healthz')) {
			const body = r.text();
			body.catch(() => {}); // the page may close before it is read
			page.bodies.set(u.pathname, body);
		}
	});
	await page.goto(`${base}/#${hash}`);
	await page.waitForSelector('[data-testid="status"][data-sample]');
	return page;
}

async function lastJSON(page, path) {
	const b = page.bodies.get(path);
	assert(b, `the page never received ${path}`);
	return JSON.parse(await b);
}

async function shown(page, testid) {
	const el = await page.$(`[data-testid="${testid}"]`);
	assert(el, `no element data-testid=${testid}`);
	return el.evaluate((e) => ({text: e.textContent, value: e.dataset.value}));
}

// The element shows `raw` (data-value) as `text`.
async function expectShown(page, testid, raw, text) {
	const g = await shown(page, testid);
	eq(g.text, text, testid + ' text');
	eq(g.value, raw === null || raw === undefined ? 'null' : String(raw), testid + ' data-value');
}

async function expectText(page, testid, text) {
	eq((await shown(page, testid)).text, text, testid);
}

async function notice(page, testid) {
	return page.$eval(`[data-testid="${testid}-notice"]`, (e) => (e.hidden ? '' : e.textContent));
}

async function pause(page) {
	await page.click('[data-testid="live-toggle"]');
	await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.startsWith('paused'));
	await sleep(1500); // a poll in flight lands and renders
}

async function resume(page) {
	await page.click('[data-testid="live-toggle"]');
}

async function view(page, name) {
	await page.click(`[data-testid="nav-${name}"]`);
	await page.waitForFunction((n) => location.hash.startsWith('#' + n), name);
	await sleep(700);
}

function noErrors(page) {
	assert(page.errors.length === 0, 'console errors: ' + page.errors.slice(0, 5).join(' | '));
	assert(page.bad.length === 0, 'failed requests: ' + page.bad.slice(0, 5).join(' | '));
}

const healthState = (s) => (s.ok ? 'ok' : s.sampled_at !== null ? 'stale' : s.optional ? 'absent' : 'failing');

// --- checks per view ----------------------------------------------------------------------

async function checkOverview(page) {
	await pause(page);
	const cpu = await lastJSON(page, '/api/v1/cpu');
	const hz = await lastJSON(page, '/healthz');
	const r = cpu.rates || {}, u = r.utilization || {}, la = cpu.loadavg || {};
	await expectShown(page, 'tile-busy', r.busy, fmt.pct(r.busy));
	for (const m of ['user', 'system', 'iowait']) await expectShown(page, 'tile-' + m, u[m], fmt.pct(u[m]));
	await expectShown(page, 'tile-procs-running', cpu.procs_running, fmt.count(cpu.procs_running));
	await expectShown(page, 'tile-procs-blocked', cpu.procs_blocked, fmt.count(cpu.procs_blocked));
	for (const n of ['load1', 'load5', 'load15']) await expectShown(page, 'tile-' + n, la[n], fmt.dec(la[n]));
	await expectShown(page, 'tile-ctxt', r.context_switches_per_second, fmt.rate(r.context_switches_per_second));
	await expectShown(page, 'tile-forks', r.forks_per_second, fmt.rate(r.forks_per_second));
	await expectShown(page, 'tile-intr', r.interrupts_per_second, fmt.rate(r.interrupts_per_second));
	await expectShown(page, 'tile-softirq', r.softirqs_per_second, fmt.rate(r.softirqs_per_second));
	for (const [name, s] of Object.entries(hz.sources)) {
		await expectText(page, `health-state-${name}`, healthState(s));
		await expectText(page, `health-error-${name}`, s.error || '');
		await expectShown(page, `health-failures-${name}`, s.failures, fmt.count(s.failures));
	}
	await expectText(page, 'health-status', hz.status);
	for (const res of ['cpu', 'memory', 'io']) {
		for (const kind of ['some', 'full']) {
			const v = cpu.pressure && cpu.pressure[res] && cpu.pressure[res][kind];
			if (!v) continue;
			for (const a of ['avg10', 'avg60', 'avg300']) await expectShown(page, `psi-${res}-${kind}-${a}`, v[a], fmt.pctValue(v[a]));
		}
	}
	await resume(page);
	return {cpu, hz};
}

async function checkMemory(page) {
	await pause(page);
	const zdoc = await lastJSON(page, '/api/v1/zones');
	const bdoc = await lastJSON(page, '/api/v1/buddy');
	const ps = zdoc.page_size;
	const p = (n) => fmt.pages(n, ps);
	for (const z of zdoc.zones) {
		const k = `${z.node}-${z.zone}`;
		await expectShown(page, `zone-free-${k}`, z.free_pages, p(z.free_pages));
		await expectShown(page, `zone-managed-${k}`, z.managed, p(z.managed));
		for (const m of ['min', 'low', 'high']) await expectShown(page, `zone-${m}-${k}`, z.watermarks[m], p(z.watermarks[m]));
	}
	const check = async (z) => {
		await expectText(page, 'zone-selected', `node ${z.node} \u00b7 ${z.zone}`);
		await expectShown(page, 'zone-free', z.free_pages, p(z.free_pages));
		await expectShown(page, 'zone-managed', z.managed, p(z.managed));
		await expectShown(page, 'zone-present', z.present, p(z.present));
		for (const m of ['min', 'low', 'high']) await expectShown(page, 'wm-' + m, z.watermarks[m], p(z.watermarks[m]));
		if (z.headroom) await expectShown(page, 'zone-huge', z.headroom.huge_pages_until_low, fmt.count(z.headroom.huge_pages_until_low));
		const b = bdoc.zones.find((x) => x.node === z.node && x.zone === z.zone);
		const fb = z.free_blocks || b.free_blocks;
		for (let k = 0; k < fb.length; k++) {
			await expectShown(page, `headroom-${k}-blocks`, fb[k], fmt.count(fb[k]));
			if (b) {
				await expectShown(page, `headroom-${k}-uidx`, b.unusable_index[k], fmt.index3(b.unusable_index[k]));
				await expectShown(page, `headroom-${k}-fidx`, b.fragmentation_index[k], fmt.index3(b.fragmentation_index[k]));
			}
			if (z.alloc_ok) for (const m of ['min', 'low', 'high']) await expectShown(page, `headroom-${k}-${m}`, z.alloc_ok[m][k], z.alloc_ok[m][k] ? '\u2713' : '\u2717');
			if (z.headroom) {
				await expectShown(page, `headroom-${k}-until`, z.headroom.allocations_until_low[k], fmt.count(z.headroom.allocations_until_low[k]));
				await expectShown(page, `headroom-${k}-unusable`, z.headroom.unusable_bytes[k], fmt.bytes(z.headroom.unusable_bytes[k]));
			}
		}
		if (z.pagetype) for (const [t, n] of Object.entries(z.pagetype.pageblocks)) await expectShown(page, `pageblocks-blocks-${t}`, n, fmt.count(n));
	};
	// the default zone: the first populated Normal, else the populated one with the most managed pages
	const def = zdoc.zones.find((z) => z.zone === 'Normal' && z.populated !== false) || zdoc.zones.filter((z) => z.populated !== false).reduce((a, z) => (z.managed > a.managed ? z : a));
	await check(def);
	// every other populated zone, by clicking its row
	for (const z of zdoc.zones.filter((x) => x.populated !== false && x !== def)) {
		await page.click(`[data-testid="zone-row-${z.node}-${z.zone}"]`);
		await check(z);
	}
	await page.click(`[data-testid="zone-row-${def.node}-${def.zone}"]`);
	await resume(page);
	return zdoc;
}

async function checkPhysmap(page, base) {
	const io = (await http(base, '/api/v1/iomem')).json();
	const ks = await http(base, '/api/v1/kallsyms');
	const kdoc = ks.status === 200 ? ks.json() : null;
	let n = 0;
	const walk = (l) => l.forEach((r) => (n++, walk(r.children)));
	walk(io.resources);
	eq(await page.$$eval('[data-testid^="tree-"]', (l) => l.length), n, 'tree rows');
	for (const [k, v] of Object.entries(io.summary.by_kind)) {
		await expectShown(page, `kind-${k}-count`, v.count, fmt.count(v.count));
		if (!io.addresses_hidden) await expectShown(page, `kind-${k}-bytes`, v.bytes, fmt.bytes(v.bytes));
	}
	for (const z of io.zones.filter((x) => x.phys)) await expectShown(page, `mapzone-${z.node}-${z.zone}-span`, z.phys.size, fmt.bytes(z.phys.size));
	const ki = io.kernel_image;
	if (ki) {
		for (const s of ['code', 'rodata', 'data', 'bss']) {
			if (!ki[s]) continue;
			await expectText(page, `kimage-${s}-pstart`, `${ki[s].start} \u2013 ${ki[s].end}`);
			await expectShown(page, `kimage-${s}-size`, ki[s].size, fmt.bytes(ki[s].size));
		}
		await expectText(page, 'kimage-load', ki.physical_load_address || fmt.NONE);
	}
	if (kdoc) {
		await expectText(page, 'kimage-slide', kdoc.kernel.kaslr_slide);
		await expectText(page, 'kimage-text', kdoc.kernel._text);
		if (kdoc.kernel.text) await expectText(page, 'kimage-code-vstart', `${kdoc.kernel.text.start} \u2013 ${kdoc.kernel.text.end}`);
	}
	return io;
}

async function mapRange(page) {
	return page.$eval('[data-testid="map-range"]', (e) => ({lo: Number(e.dataset.lo), hi: Number(e.dataset.hi), text: e.textContent}));
}

async function checkZoom(page, io) {
	const full = await mapRange(page);
	eq(full.lo, 0, 'map starts at 0');
	eq(full.hi, parseInt(io.summary.max_address, 16) + 1, 'map ends after the highest address');
	eq(full.text, `0x0 \u2013 ${io.summary.max_address} \u00b7 ${fmt.bytes(full.hi)}`, 'range label');
	// wheel up over the middle of the map zooms in around the pointer
	const box = await (await page.$('[data-testid="map"]')).boundingBox();
	await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
	await page.mouse.wheel(0, -400);
	await sleep(300);
	const w = await mapRange(page);
	assert(w.hi - w.lo < (full.hi - full.lo) * 0.5, `wheel did not zoom in: ${full.text} -> ${w.text}`);
	assert(w.text !== full.text, 'range label unchanged after wheel');
	// drag pans
	await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, {steps: 5});
	await page.mouse.up();
	const d = await mapRange(page);
	assert(d.lo > w.lo && Math.abs(d.hi - d.lo - (w.hi - w.lo)) < 2, `drag did not pan: ${w.text} -> ${d.text}`);
	await page.click('[data-testid="map-reset"]');
	eq((await mapRange(page)).text, full.text, 'reset');
	// click the largest top-level range: the map shows it, the details name it
	const big = io.resources.reduce((a, r) => (r.size > a.size ? r : a));
	const start = parseInt(big.start, 16), end = parseInt(big.end, 16) + 1;
	const blk = await page.$(`.maprow [data-node]:not(.k-hole) >> nth=0`);
	assert(blk, 'no range drawn on the map');
	const id = await page.evaluate(({s, e}) => {
		for (const b of document.querySelectorAll('.maprow [data-node]')) if (b.title.includes(`0x${s.toString(16)}\u2013`) && b.title.includes(`\u20130x${(e - 1).toString(16)}`)) return b.dataset.node;
		return null;
	}, {s: start, e: end});
	assert(id !== null, `range ${big.name} ${big.start} not on the map`);
	const bb = await (await page.$(`.maprow [data-node="${id}"]`)).boundingBox();
	await page.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2);
	await sleep(200);
	const c = await mapRange(page);
	assert(c.lo <= start && c.hi >= end && c.hi - c.lo < (end - start) * 1.2, `click did not zoom to ${big.name}: ${c.text}`);
	await expectText(page, 'map-detail-name', big.name);
	await page.click('[data-testid="map-zoom-out"]');
	const o = await mapRange(page);
	assert(Math.abs(o.hi - o.lo - 2 * (c.hi - c.lo)) < 2 || o.hi - o.lo === full.hi - full.lo, `zoom out did not double the span: ${c.text} -> ${o.text}`);
	// a tree row: the kernel code (or the smallest range) is brought into view
	const kc = io.kernel_image && io.kernel_image.code;
	if (kc) {
		const row = await page.evaluate((s) => {
			for (const r of document.querySelectorAll('.trow')) if (r.querySelector('.tname').textContent === 'Kernel code' && r.querySelector('.taddr').textContent.startsWith(s)) return r.dataset.testid;
			return null;
		}, kc.start);
		assert(row, 'Kernel code not in the tree');
		await page.click(`[data-testid="${row}"]`);
		await sleep(200);
		const k = await mapRange(page);
		assert(k.lo <= parseInt(kc.start, 16) && k.hi > parseInt(kc.end, 16) && k.hi - k.lo < kc.size * 1.2, `tree click did not zoom to the kernel code: ${k.text}`);
		await expectText(page, 'map-detail-name', 'Kernel code');
	}
	await page.click('[data-testid="map-reset"]');
}

async function checkKsyms(page, base) {
	const doc = (await http(base, '/api/v1/kallsyms')).json();
	await expectShown(page, 'ks-count', doc.count, fmt.count(doc.count));
	await expectText(page, 'ks-slide', doc.kernel.kaslr_slide);
	await expectText(page, 'ks-text', doc.kernel._text);
	await expectShown(page, 'ks-modules', doc.modules.length, fmt.count(doc.modules.length));
	for (const [t, n] of Object.entries(doc.by_type)) await expectText(page, 'ks-type-' + t, `${t} ${fmt.count(n)}`);
	for (const m of doc.modules) {
		await expectShown(page, `module-count-${m.name}`, m.count, fmt.count(m.count));
		await expectText(page, `module-lowest-${m.name}`, m.lowest);
		await expectText(page, `module-highest-${m.name}`, m.highest);
	}
	return doc;
}

async function searchRows(page) {
	return page.$$eval('[data-testid="ksearch-row"]', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
}

async function checkSearch(page, base) {
	for (const prefix of ['schedule', 'tcp_v4_', 'do_sys']) {
		const api = (await http(base, `/api/v1/kallsyms/search?prefix=${prefix}&limit=100`)).json();
		await page.fill('[data-testid="ksearch-input"]', prefix);
		await page.waitForFunction((p) => document.querySelector('[data-testid="ksearch-status"]').textContent.includes(`\u201c${p}\u201d`), prefix);
		const rows = await searchRows(page);
		eq(rows.length, api.count, `rows for ${prefix}`);
		api.symbols.forEach((s, i) => eq(rows[i].join('|'), [s.symbol, s.addr, s.size || fmt.NONE, s.type, s.module || ''].join('|'), `row ${i} for ${prefix}`));
		assert(api.symbols.every((s) => s.symbol.startsWith(prefix)), 'API returned a symbol without the prefix');
	}
	// by address: schedule + 0x10
	const sch = (await http(base, '/api/v1/kallsyms/lookup?name=schedule')).json();
	const a = '0x' + (BigInt(sch.addr) + 0x10n).toString(16);
	const look = (await http(base, '/api/v1/kallsyms/lookup?addr=' + a)).json();
	await page.fill('[data-testid="ksearch-input"]', a);
	await page.waitForFunction((x) => document.querySelector('[data-testid="ksearch-status"]').textContent.startsWith(x + ' is'), a);
	await expectText(page, 'ksearch-status', `${look.addr} is ${look.symbol}+${look.offset}${look.size ? '/' + look.size : ''}${look.module ? ' [' + look.module + ']' : ''}`);
	eq((await searchRows(page))[0][0], 'schedule', 'address search row');
}

async function checkSymbolizer(page, base) {
	const s1 = (await http(base, '/api/v1/kallsyms/lookup?name=schedule')).json();
	const s2 = (await http(base, '/api/v1/kallsyms/search?prefix=do_syscall_64&limit=1')).json().symbols[0];
	const hex = (a, off) => (BigInt(a) + off).toString(16).padStart(16, '0');
	const oops = [
		'BUG: kernel NULL pointer dereference, address: 0000000000000008',
		`RIP: 0010:${hex(s1.addr, 0x22n)}`,
		'Call Trace:',
		' <TASK>',
		` [<${hex(s1.addr, 0x22n)}>] ? schedule+0x22/0xa0`,
		s2 ? ` ${hex(s2.addr, 0x5dn)} do_syscall_64+0x5d` : '',
		' </TASK>',
		'',
	].join('\n');
	const api = (await http(base, '/api/v1/kallsyms/symbolize', {method: 'POST', body: oops})).json();
	assert(api.found >= 1, 'API resolved nothing');
	await page.fill('[data-testid="symbolize-input"]', oops);
	await page.click('[data-testid="symbolize-run"]');
	await page.waitForSelector('[data-testid="symbolize-output"]:not([hidden])');
	await expectText(page, 'symbolize-output', api.annotated);
	await expectText(page, 'symbolize-summary', `resolved ${api.found} of ${api.addresses.length} address${api.addresses.length === 1 ? '' : 'es'}`);
	const marks = await page.$$eval('[data-testid="symbolize-output"] mark', (l) => l.map((m) => m.textContent));
	eq(marks.length, api.found, 'highlighted annotations');
	eq(marks[0], ` <${api.addresses.find((x) => x.symbol).resolved}>`, 'first annotation');
}

// --- run ------------------------------------------------------------------------------------

const fixtures = args.fixtures;
const treeA = join(fixtures, 'local-6.18-x86_64/proc');
const treeB = join(fixtures, 'debian-5.10-x86_64-nonroot/proc');
const live = new LiveTree(treeA);
live.start(100);
const A = await new Daemon(args.daemon, live.proc, ['--interval', '0.5', '--pagetypeinfo-interval', '5', '--slow-interval', '60']).start();
const B = await new Daemon(args.daemon, treeB, ['--interval', '0.5']).start();
const shots = [];

try {
	await test('bundle: web/ui/dist is what src/ and the lock file build', async () => {
		const out = execFileSync('node', [join(args.ui, 'build.mjs'), '--check', '--out', args.dist], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
		assert(out.includes('reproduced'), out);
	});

	await test('assets: GET / is the embedded index.html, with ETag and 304', async () => {
		const r = await http(A.base, '/');
		eq(r.status, 200, 'status');
		eq(r.headers.get('content-type'), 'text/html; charset=utf-8', 'Content-Type');
		assert(r.body.equals(readFileSync(join(args.dist, 'index.html'))), 'body differs from dist/index.html');
		const etag = r.headers.get('etag');
		assert(/^"[0-9a-f]{16}"$/.test(etag), 'ETag ' + etag);
		eq((await http(A.base, '/', {headers: {'If-None-Match': etag}})).status, 304, 'If-None-Match');
	});

	await test('assets: app.js, app.css, icon.svg: bytes, Content-Type, immutable caching, 304', async () => {
		const types = {'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8', 'icon.svg': 'image/svg+xml'};
		const index = readFileSync(join(args.dist, 'index.html'), 'utf8');
		for (const [name, ct] of Object.entries(types)) {
			const m = new RegExp(`/assets/${name.replace('.', '\\.')}\\?v=[0-9a-f]{12}`).exec(index);
			assert(m, `index.html does not reference ${name} with a version`);
			const r = await http(A.base, m[0]);
			eq(r.status, 200, name);
			eq(r.headers.get('content-type'), ct, name + ' Content-Type');
			eq(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', name + ' Cache-Control');
			assert(r.body.equals(readFileSync(join(args.dist, name))), name + ' differs from dist/');
			eq((await http(A.base, m[0], {headers: {'If-None-Match': r.headers.get('etag')}})).status, 304, name + ' 304');
		}
		eq((await http(A.base, '/assets/nope.js')).status, 404, 'unknown asset');
		eq(await rawStatus(A.port, '/assets/../healthz'), 404, 'no path walking');
	});

	await test('api: JSON documents carry an ETag; unchanged ones answer 304', async () => {
		const r = await http(A.base, '/api/v1/iomem');
		const etag = r.headers.get('etag');
		assert(etag, 'no ETag');
		eq((await http(A.base, '/api/v1/iomem', {headers: {'If-None-Match': etag}})).status, 304, 'same document');
		eq((await http(A.base, '/api/v1/iomem', {headers: {'If-None-Match': `"0000000000000000", W/${etag}`}})).status, 304, 'weak, in a list');
		eq((await http(A.base, '/api/v1/iomem', {headers: {'If-None-Match': '"0000000000000000"'}})).status, 200, 'other tag');
	});

	await test('api: GET /api/v1/kallsyms/search', async () => {
		const r = (await http(A.base, '/api/v1/kallsyms/search?prefix=tcp_&limit=20')).json();
		eq(r.prefix, 'tcp_', 'prefix');
		eq(r.limit, 20, 'limit');
		eq(r.count, 20, 'count');
		eq(r.truncated, true, 'truncated');
		const names = r.symbols.map((s) => s.symbol);
		assert(names.every((n) => n.startsWith('tcp_')), 'a name without the prefix');
		assert(names.every((n, i) => i === 0 || Buffer.compare(Buffer.from(names[i - 1]), Buffer.from(n)) <= 0), 'not in name order');
		for (const s of r.symbols.slice(0, 5)) {
			const l = (await http(A.base, '/api/v1/kallsyms/lookup?name=' + encodeURIComponent(s.symbol))).json();
			if (l.symbol_addr === s.addr) eq(JSON.stringify([l.size, l.type, l.module]), JSON.stringify([s.size, s.type, s.module]), s.symbol);
		}
		const one = (await http(A.base, '/api/v1/kallsyms/search?prefix=schedule_timeout_uninterruptible')).json();
		eq(one.truncated, false, 'exact');
		eq(one.symbols[0].symbol, 'schedule_timeout_uninterruptible', 'exact');
		eq((await http(A.base, '/api/v1/kallsyms/search?prefix=zzzzzz_none')).json().count, 0, 'none');
		eq((await http(A.base, '/api/v1/kallsyms/search')).status, 400, 'no prefix');
		eq((await http(A.base, '/api/v1/kallsyms/search?prefix=a&limit=0')).status, 400, 'limit 0');
		eq((await http(A.base, '/api/v1/kallsyms/search?prefix=a&limit=1001')).status, 400, 'limit 1001');
		eq((await http(A.base, '/api/v1/kallsyms/search?prefix=a&limit=-1')).status, 400, 'limit -1');
		const b = await http(B.base, '/api/v1/kallsyms/search?prefix=a');
		eq(b.status, 503, 'no kallsyms');
		eq(b.json().error.message, 'No such file or directory', 'reason');
	});

	const desk = await browser(args.ui, {viewport: {width: 1366, height: 900}});
	const page = await open(desk, A.base, 'overview');
	await sleep(2500);

	await test('overview: tiles, health and PSI equal the API', () => checkOverview(page));

	await test('overview: charts drawn from /api/v1/history, fetched incrementally', async () => {
		eq(await page.$$eval('.uplot', (l) => l.length), 4, 'time charts');
		assert(page.urls.some((u) => /^\/api\/v1\/history\?series=cpu%2Cpressure&since=0$/.test(u)), 'no initial history request');
		assert(page.urls.some((u) => /^\/api\/v1\/history\?series=cpu%2Cpressure&since=1\d{9}/.test(u)), 'no incremental history request');
		const cols = await page.$eval('[data-testid="heatmap"]', (c) => c.width);
		assert(cols > 0, 'heat map not drawn');
	});

	await test('live: updates change values in place (same elements, same canvases)', async () => {
		const before = await page.evaluate(() => {
			window.__tile = document.querySelector('[data-testid="tile-ctxt"]');
			window.__canvas = document.querySelector('.uplot canvas');
			window.__row = document.querySelector('[data-testid="health-stat"]');
			return {sample: Number(document.querySelector('[data-testid="status"]').dataset.sample), ctxt: window.__tile.dataset.value};
		});
		await sleep(3000);
		const after = await page.evaluate(() => ({
			same: window.__tile === document.querySelector('[data-testid="tile-ctxt"]') && window.__canvas === document.querySelector('.uplot canvas') && window.__row === document.querySelector('[data-testid="health-stat"]') && window.__tile.isConnected,
			sample: Number(document.querySelector('[data-testid="status"]').dataset.sample),
			ctxt: window.__tile.dataset.value,
		}));
		assert(after.same, 'elements were re-created by an update');
		assert(after.sample >= before.sample + 3, `sample went ${before.sample} -> ${after.sample}`);
		assert(after.ctxt !== before.ctxt, 'context switch rate did not change');
	});

	await test('live: documents whose sources were not re-read are not fetched again', async () => {
		await view(page, 'physmap');
		const n0 = page.urls.length;
		await sleep(2500);
		const polled = page.urls.slice(n0);
		assert(polled.filter((u) => u === '/healthz').length >= 2, 'healthz not polled');
		assert(!polled.some((u) => u.startsWith('/api/v1/iomem') || u.startsWith('/api/v1/kallsyms')), 'unchanged iomem/kallsyms fetched again: ' + polled.join(' '));
	});

	let io;
	await test('physical map: tree, kinds, zones and kernel image equal the API', async () => {
		io = await checkPhysmap(page, A.base);
	});
	await test('physical map: wheel zooms, drag pans, click zooms into a range, buttons', () => checkZoom(page, io));

	await view(page, 'memory');
	await sleep(1000);
	await test('memory: zones, watermarks, headroom, indices, pageblocks equal the API (every zone)', () => checkMemory(page));
	await test('memory: charts drawn', async () => {
		eq(await page.$$eval('.uplot', (l) => l.length), 4, 'charts');
		await page.check('[data-testid="orders-log"]');
		await sleep(200);
		await page.uncheck('[data-testid="orders-log"]');
	});

	await view(page, 'ksyms');
	await test('kernel symbols: summary, types and modules equal the API', () => checkKsyms(page, A.base));
	await test('kernel symbols: search by name prefix and by address', () => checkSearch(page, A.base));
	await test('kernel symbols: the symbolizer annotates an oops like the API', () => checkSymbolizer(page, A.base));

	await test('theme: the toggle switches light and dark', async () => {
		const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		const b0 = await bg();
		await page.click('[data-testid="theme-toggle"]');
		eq(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'data-theme');
		assert((await bg()) !== b0, 'background unchanged');
		await page.click('[data-testid="theme-toggle"]');
		eq(await bg(), b0, 'back to light');
		await page.evaluate(() => {
			delete document.documentElement.dataset.theme;
			localStorage.removeItem('pi-theme');
		});
	});

	await test('a source failing at run time: stale data stays, the panels say why', async () => {
		await view(page, 'overview');
		renameSync(join(live.proc, 'buddyinfo'), join(live.dir, 'buddyinfo.away'));
		live.buddy0 = null;
		try {
			await page.waitForFunction(() => document.querySelector('[data-testid="health-state-buddyinfo"]').textContent === 'stale', null, {timeout: 5000});
			await expectText(page, 'health-error-buddyinfo', 'No such file or directory');
			await view(page, 'memory');
			await page.waitForFunction(() => !document.querySelector('[data-testid="panel-frag-notice"]').hidden, null, {timeout: 5000});
			const n = await notice(page, 'panel-frag');
			assert(n.includes('No such file or directory') && n.includes('showing data read at'), 'frag notice: ' + n);
			assert((await page.$$('[data-testid^="headroom-"][data-testid$="-blocks"]')).length > 0, 'headroom table emptied');
		} catch (e) {
			console.log('DEBUG', await page.evaluate(() => [location.hash, document.querySelector('[data-testid=status]').textContent, document.querySelector('#view').innerHTML.slice(0, 300), [...document.querySelectorAll('[data-testid^="health-state"]')].map((e) => e.dataset.testid)]), page.urls.slice(-10), page.errors);
			throw e;
		} finally {
			renameSync(join(live.dir, 'buddyinfo.away'), join(live.proc, 'buddyinfo'));
			live.buddy0 = readFileSync(join(treeA, 'buddyinfo'), 'utf8');
		}
		await page.waitForFunction(() => document.querySelector('[data-testid="panel-frag-notice"]').hidden, null, {timeout: 5000});
	});

	await test('first contentful paint on loopback under 300 ms', async () => {
		await pause(page); // its tab would share the renderer with the new ones
		// five loads in one tab: the first fetches the assets, the others revalidate index.html
		const fcp = [];
		const p = await desk.newPage();
		for (let i = 0; i < 5; i++) {
			await (i ? p.reload() : p.goto(A.base + '/'));
			await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
			fcp.push(await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
		}
		await p.close();
		await resume(page);
		const sorted = fcp.slice().sort((a, b) => a - b);
		console.log(`     FCP ms: ${fcp.map((x) => x.toFixed(1)).join(', ')} (median ${sorted[2].toFixed(1)})`);
		assert(sorted[2] < 300, `median first contentful paint ${sorted[2]} ms`);
	});

	await test('no console errors and no failed requests on the healthy tree', async () => noErrors(page));

	// screenshots of every view: light and dark, desktop and phone
	const shoot = async (pg, tag) => {
		for (const theme of ['light', 'dark']) {
			await pg.emulateMedia({colorScheme: theme});
			for (const v of ['overview', 'memory', 'physmap', 'ksyms']) {
				await pg.evaluate((x) => (location.hash = x), v);
				await sleep(1200);
				if (v === 'ksyms') {
					await pg.fill('[data-testid="ksearch-input"]', 'schedule');
					await pg.click('[data-testid="symbolize-example"]');
					await pg.waitForSelector('[data-testid="symbolize-output"]:not([hidden])', {timeout: 5000}).catch(async (e) => {
						console.log('DEBUG', theme, await pg.evaluate(() => [location.hash, document.querySelector('[data-testid=symbolize-summary]').textContent, document.querySelector('[data-testid=symbolize-input]').value.length, document.querySelector('[data-testid=symbolize-example]').disabled]), pg.urls.slice(-8), pg.errors);
						throw e;
					});
					await sleep(400);
				}
				if (v === 'physmap' && !(await pg.$eval('[data-testid="map"]', (e) => e.hidden))) {
					// the first System RAM range with children: zoomed to, its details shown
					await pg.evaluate(() => {
						for (const d of document.querySelectorAll('.tree details')) {
							const r = d.querySelector(':scope > summary .trow');
							if (r.querySelector('.tname').textContent === 'System RAM') return r.click();
						}
					});
					await sleep(300);
				}
				const file = join(OUT, `${tag}-${v}-${theme}.png`);
				if (tag === 'desktop') await pg.mouse.move(1300, 880); // no hover highlight
				await pg.screenshot({path: file, fullPage: true, scale: 'css'});
				shots.push(file);
			}
		}
	};
	await test('screenshots: healthy tree, desktop', () => shoot(page, 'desktop'));
	await desk.close();

	const phone = await browser(args.ui, {viewport: {width: 390, height: 844}, isMobile: true, hasTouch: true, deviceScaleFactor: 2});
	const pp = await open(phone, A.base, 'overview');
	await sleep(6000); // some heat map columns
	await test('phone: no view scrolls sideways', async () => {
		for (const v of ['overview', 'memory', 'physmap', 'ksyms']) {
			await pp.evaluate((x) => (location.hash = x), v);
			await sleep(800);
			const o = await pp.evaluate(() => ({w: document.documentElement.scrollWidth, v: window.innerWidth}));
			assert(o.w <= o.v + 1, `${v}: page is ${o.w} px wide on a ${o.v} px screen`);
		}
	});
	await test('screenshots: healthy tree, phone', () => shoot(pp, 'phone'));
	await test('no console errors on the phone', async () => noErrors(pp));
	await phone.close();

	// a tree whose sources fail: pagetypeinfo and kallsyms missing, PSI absent, iomem hidden
	const deskB = await browser(args.ui, {viewport: {width: 1366, height: 900}});
	const pb = await open(deskB, B.base, 'overview');
	await sleep(1500);
	await test('failing sources: overview says which and why, and still shows the rest', async () => {
		const {cpu, hz} = await checkOverview(pb);
		eq(hz.status, 'degraded', 'health');
		for (const s of ['pagetypeinfo', 'kallsyms']) {
			await expectText(pb, 'health-state-' + s, 'failing');
			await expectText(pb, 'health-error-' + s, 'No such file or directory');
		}
		assert((await shown(pb, 'status')).text.includes('failing: pagetypeinfo, kallsyms'), 'status line');
		const n = await notice(pb, 'panel-psi');
		assert(n.startsWith('PSI unavailable') && n.includes('pressure/cpu: No such file or directory'), 'PSI notice: ' + n);
		assert(cpu.procs_running !== undefined, 'cpu doc');
	});
	await view(pb, 'memory');
	await test('failing sources: memory works from buddyinfo and zoneinfo, migrate-type panels say why', async () => {
		await checkMemory(pb);
		const n = await notice(pb, 'panel-orders');
		assert(n.includes('pagetypeinfo: No such file or directory'), 'orders notice: ' + n);
		eq(await notice(pb, 'panel-pageblocks'), 'pagetypeinfo: No such file or directory', 'pageblocks notice');
	});
	await view(pb, 'physmap');
	await test('failing sources: hidden iomem addresses are said, the tree still shown', async () => {
		const n = await notice(pb, 'panel-map');
		assert(n.includes('hidden'), 'map notice: ' + n);
		await checkPhysmap(pb, B.base);
	});
	await view(pb, 'ksyms');
	await test('failing sources: kernel symbols say kallsyms is missing, inputs disabled', async () => {
		eq(await notice(pb, 'panel-ksummary'), 'kallsyms: No such file or directory', 'notice');
		eq(await notice(pb, 'panel-ksearch'), 'kallsyms: No such file or directory', 'notice');
		assert(await pb.$eval('[data-testid="ksearch-input"]', (e) => e.disabled), 'search enabled');
		assert(await pb.$eval('[data-testid="symbolize-run"]', (e) => e.disabled), 'resolve enabled');
	});
	await test('screenshots: failing tree, desktop', async () => {
		await pb.emulateMedia({colorScheme: 'light'});
		for (const v of ['overview', 'memory', 'physmap', 'ksyms']) {
			await pb.evaluate((x) => (location.hash = x), v);
			await sleep(900);
			const file = join(OUT, `failing-${v}-light.png`);
			await pb.mouse.move(1300, 880);
			await pb.screenshot({path: file, fullPage: true});
			if (v === 'memory') shots.push(file);
		}
	});
	await test('failing sources: no console errors, no request the daemon had to refuse', async () => noErrors(pb));

	// every other tree: 2.6 to 6.18, armv4 to 480 CPUs, NUMA, CMA, no zoneinfo, hidden addresses
	const others = readdirSync(fixtures).filter((f) => existsSync(join(fixtures, f, 'proc')) && ![treeA, treeB].includes(join(fixtures, f, 'proc')));
	await test(`every view renders on the ${others.length} other fixture trees without console errors`, async () => {
		const problems = [];
		for (const f of others) {
			const d = await new Daemon(args.daemon, join(fixtures, f, 'proc'), ['--interval', '0.5']).start();
			try {
				const pg = await open(deskB, d.base, 'overview');
				for (const v of ['memory', 'physmap', 'ksyms', 'overview']) {
					await pg.evaluate((x) => (location.hash = x), v);
					await sleep(450);
				}
				if (pg.errors.length || pg.bad.length) problems.push(`${f}: ${[...pg.errors, ...pg.bad].slice(0, 3).join(' | ')}`);
				await pg.close();
			} finally {
				await d.stop();
			}
		}
		assert(!problems.length, problems.join('; '));
	});
	await deskB.close();

	if (args.docs) {
		mkdirSync(args.docs, {recursive: true});
		for (const f of shots) copyFileSync(f, join(args.docs, f.split('/').pop()));
		console.log(`     copied ${shots.length} screenshots to ${args.docs}`);
	}
} catch (e) {
	failed++;
	console.log('FAIL (harness) ' + (e.stack || e));
} finally {
	live.remove();
	await A.stop();
	await B.stop();
}
console.log(`screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
