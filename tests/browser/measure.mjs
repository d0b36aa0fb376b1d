#!/usr/bin/env node
// Measures the dashboard (docs/dashboard.md, "Cost"): first contentful paint on loopback, and the
// daemon's CPU time while a dashboard view is open for N seconds against a plain poller that
// fetches the same URLs at the same moments (without If-None-Match), and against no client.
//
//   node tests/browser/measure.mjs --daemon build/daemon/procintrod --ui build/tests/browser/ui \
//        [--procfs-root /proc] [--seconds 60] [--views overview,memory]
//
// The daemon runs with --slow-interval 3600 so that a kallsyms read (35-50 ms of kernel time)
// does not land in one phase and not the other.
import {Daemon, browser, parseArgs, sleep} from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
const SECONDS = Number(args.seconds || 60);
const VIEWS = (args.views || 'overview,memory').split(',');
const root = args['procfs-root'] || '/proc';

const d = await new Daemon(args.daemon, root, ['--slow-interval', '3600']).start();
const ctx = await browser(args.ui, {viewport: {width: 1366, height: 900}});
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

try {
	// first contentful paint: 10 loads, each in a new tab (the first with an empty cache), after
	// one page that is not ours has started the browser's renderer and loaded its fonts
	const warm = await ctx.newPage();
	await warm.goto('data:text/html,<p>warm-up</p>');
	await warm.close();
	const fcp = [];
	for (let i = 0; i < 10; i++) {
		const p = await ctx.newPage();
		await p.goto(d.base + '/');
		await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
		fcp.push(await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
		await p.close();
	}
	console.log(`first contentful paint, new tab each (ms): first (assets not cached) ${fcp[0].toFixed(0)}, then ${fcp.slice(1).map((x) => x.toFixed(0)).join(' ')}; median ${median(fcp).toFixed(0)}`);
	const re = [];
	const p = await ctx.newPage();
	await p.goto(d.base + '/');
	for (let i = 0; i < 10; i++) {
		await p.reload();
		await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
		re.push(await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
	}
	await p.close();
	console.log(`first contentful paint, reload in one tab (ms): ${re.map((x) => x.toFixed(0)).join(' ')}; median ${median(re).toFixed(0)}`);

	const ms = (a, b) => `${((b.http - a.http) * 1000).toFixed(0)} ms serving + ${((b.sampler - a.sampler) * 1000).toFixed(0)} ms sampling`;
	const cpu0 = d.cpuSeconds(), th0 = d.cpuByThread();
	await sleep(SECONDS * 1000);
	const idle = d.cpuSeconds() - cpu0;
	console.log(`daemon CPU, no client, ${SECONDS} s: ${(idle * 1000).toFixed(0)} ms (${ms(th0, d.cpuByThread())})`);

	for (const v of VIEWS) {
		const page = await ctx.newPage();
		const log = [];
		let t0 = 0;
		page.on('response', async (r) => {
			const u = new URL(r.url());
			if (!t0) return;
			let n = 0;
			try {
				n = (await r.body()).length;
			} catch (e) {
				/* 304 */
			}
			log.push({t: Date.now() - t0, path: u.pathname + u.search, status: r.status(), bytes: n});
		});
		await page.goto(`${d.base}/#${v}`);
		await sleep(3000); // loaded, first full fetch done
		t0 = Date.now();
		const c1 = d.cpuSeconds(), t1 = d.cpuByThread();
		await sleep(SECONDS * 1000);
		const dash = d.cpuSeconds() - c1, t1e = d.cpuByThread();
		await page.close();
		const n304 = log.filter((x) => x.status === 304).length;
		const bytes = log.reduce((s, x) => s + x.bytes, 0);

		// the same URLs at the same moments, plain GETs
		const c2 = d.cpuSeconds(), t2 = d.cpuByThread();
		const start = Date.now();
		let pbytes = 0;
		for (const x of log) {
			const wait = x.t - (Date.now() - start);
			if (wait > 0) await sleep(wait);
			const res = await fetch(d.base + x.path.replace(/since=[\d.]+/, 'since=' + (Date.now() / 1000 - 2).toFixed(3)));
			pbytes += (await res.arrayBuffer()).byteLength;
		}
		await sleep(Math.max(0, SECONDS * 1000 - (Date.now() - start)));
		const poll = d.cpuSeconds() - c2, t2e = d.cpuByThread();
		console.log(`${v}: ${log.length} requests in ${SECONDS} s (${n304} answered 304), ${(bytes / 1024).toFixed(0)} KiB; daemon CPU ${(dash * 1000).toFixed(0)} ms ` +
			`(${((dash - idle) * 1000).toFixed(0)} ms above idle) vs plain poller ${(poll * 1000).toFixed(0)} ms (${((poll - idle) * 1000).toFixed(0)} ms above idle, ${(pbytes / 1024).toFixed(0)} KiB)`);
		console.log(`  dashboard: ${ms(t1, t1e)}; poller: ${ms(t2, t2e)}`);
		const kinds = {};
		for (const x of log) kinds[x.path.split('?')[0]] = (kinds[x.path.split('?')[0]] || 0) + 1;
		console.log('  requests: ' + Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', '));
	}
} finally {
	await ctx.close();
	await d.stop();
}
