// Shared by test.mjs and measure.mjs: the daemon, a fixture tree that moves, HTTP over loopback,
// headless Chromium. Node stdlib + playwright-core (from the dashboard's lock file).
import {spawn} from 'node:child_process';
import {request} from 'node:http';
import {cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export function parseArgs(argv) {
	const a = {};
	for (let i = 0; i < argv.length; i++) {
		if (argv[i].startsWith('--')) {
			const k = argv[i].slice(2);
			a[k] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
		}
	}
	return a;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Whatever happens to the test process, the daemons it started and the trees it copied go too.
const cleanups = new Set();
process.on('exit', () => {
	for (const f of cleanups) f();
});

// procintrod on a free loopback port ("--listen 127.0.0.1:0"; the port is read from its log).
export class Daemon {
	constructor(bin, root, extra = []) {
		this.bin = bin;
		this.root = root;
		this.extra = extra;
		this.log = '';
	}
	async start() {
		this.proc = spawn(this.bin, ['--procfs-root', this.root, '--listen', '127.0.0.1:0', '--page-size', '4096', '--clock-ticks', '100', ...this.extra], {stdio: ['ignore', 'ignore', 'pipe']});
		this.proc.stderr.on('data', (d) => (this.log += d));
		const proc = this.proc;
		cleanups.add(() => proc.exitCode === null && proc.kill('SIGKILL'));
		const t0 = Date.now();
		while (Date.now() - t0 < 20000) {
			const m = /\(port (\d+)\)/.exec(this.log);
			if (m) {
				this.port = Number(m[1]);
				this.base = `http://127.0.0.1:${this.port}`;
				return this;
			}
			if (this.proc.exitCode !== null) break;
			await sleep(20);
		}
		throw new Error(`procintrod did not start: ${this.log.slice(-500)}`);
	}
	// user + system CPU seconds of the daemon so far (/proc/PID/stat fields 14, 15; USER_HZ 100)
	cpuSeconds() {
		const s = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	}
	// the same split by thread: the HTTP server's (libmicrohttpd names them MHD-*) and the rest
	// (the sampler reading procfs)
	cpuByThread() {
		const out = {http: 0, sampler: 0};
		for (const tid of readdirSync(`/proc/${this.proc.pid}/task`)) {
			try {
				const s = readFileSync(`/proc/${this.proc.pid}/task/${tid}/stat`, 'utf8');
				const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
				const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
				out[comm.startsWith('MHD') ? 'http' : 'sampler'] += (Number(f[11]) + Number(f[12])) / 100;
			} catch (e) {
				/* thread gone */
			}
		}
		return out;
	}
	async stop() {
		if (!this.proc || this.proc.exitCode !== null) return;
		this.proc.kill('SIGTERM');
		await Promise.race([new Promise((r) => this.proc.once('exit', r)), sleep(5000)]);
		if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
	}
}

// A copy of a fixture tree whose counters move: /proc/stat (per-CPU ticks with a varying load,
// ctxt, intr, processes, softirqs), loadavg, pressure/*, and the Normal zone's free lists
// (buddyinfo, with zoneinfo's free page count kept in step). Files are replaced atomically.
export class LiveTree {
	constructor(fixture) {
		this.dir = mkdtempSync(join(tmpdir(), 'procintro-ui-'));
		this.proc = this.dir + '/proc';
		const dir = this.dir;
		cleanups.add(() => rmSync(dir, {recursive: true, force: true}));
		cpSync(fixture, this.proc, {recursive: true});
		this.stat0 = readFileSync(this.proc + '/stat', 'utf8');
		this.buddy0 = this.read('buddyinfo');
		this.zi0 = this.read('zoneinfo');
		this.t = 0;
		this.acc = null;
	}
	read(name) {
		try {
			return readFileSync(join(this.proc, name), 'utf8');
		} catch (e) {
			return null;
		}
	}
	write(name, text) {
		const p = join(this.proc, name);
		writeFileSync(p + '.tmp', text);
		renameSync(p + '.tmp', p);
	}
	start(periodMs = 200) {
		this.timer = setInterval(() => this.step(periodMs / 1000), periodMs);
		this.step(0);
	}
	stop() {
		clearInterval(this.timer);
	}
	step(dt) {
		this.t += dt;
		const t = this.t;
		const lines = this.stat0.split('\n');
		const cpuLines = lines.filter((l) => /^cpu\d+ /.test(l));
		if (!this.acc) {
			this.acc = cpuLines.map((l) => l.split(/\s+/).slice(1).map(Number));
			this.ctr = {ctxt: 0, intr: 0, processes: 0, softirq: 0};
		}
		// per CPU: busy share varying between ~10% and ~90%, split into user/system/softirq/iowait
		this.busy = this.acc.map((_, i) => 0.5 + 0.4 * Math.sin(t / (5 + 2 * i) + i * 1.7));
		this.acc.forEach((a, i) => {
			const ticks = 100 * dt, b = this.busy[i];
			a[0] += ticks * b * 0.62;
			a[2] += ticks * b * 0.25;
			a[6] += ticks * b * 0.05;
			a[4] += ticks * b * 0.08 * (1 + Math.sin(t / 3));
			a[3] += ticks * (1 - b * (1 + 0.08 * Math.sin(t / 3)));
		});
		const load = this.busy.reduce((x, y) => x + y, 0);
		this.ctr.ctxt += dt * 900 * (0.5 + load);
		this.ctr.intr += dt * 600 * (0.6 + load);
		this.ctr.processes += dt * 4 * (1 + Math.sin(t / 4));
		this.ctr.softirq += dt * 350 * (0.5 + load);
		const total = this.acc[0].map((_, k) => this.acc.reduce((s, a) => s + Math.floor(a[k]), 0));
		const out = lines.map((l) => {
			if (/^cpu /.test(l)) return 'cpu  ' + total.join(' ');
			const m = /^cpu(\d+) /.exec(l);
			if (m) return `cpu${m[1]} ` + this.acc[cpuLines.findIndex((x) => x.startsWith(`cpu${m[1]} `))].map(Math.floor).join(' ');
			const f = l.split(' ');
			if (f[0] === 'ctxt' || f[0] === 'processes') return `${f[0]} ${Number(f[1]) + Math.floor(this.ctr[f[0]])}`;
			if (f[0] === 'intr') return ['intr', Number(f[1]) + Math.floor(this.ctr.intr), ...f.slice(2)].join(' ');
			if (f[0] === 'softirq') {
				const v = f.slice(2).map(Number);
				const add = Math.floor(this.ctr.softirq);
				v[1] += Math.floor(add * 0.4);
				v[7] += Math.floor(add * 0.35);
				v[9] += add - Math.floor(add * 0.4) - Math.floor(add * 0.35);
				return ['softirq', v.reduce((x, y) => x + y, 0), ...v].join(' ');
			}
			if (f[0] === 'procs_running') return `procs_running ${1 + Math.round(load * 1.5)}`;
			if (f[0] === 'procs_blocked') return `procs_blocked ${Math.sin(t / 2) > 0.6 ? 1 : 0}`;
			return l;
		});
		this.write('stat', out.join('\n'));
		const l1 = 0.4 + load * 0.8 + 0.2 * Math.sin(t / 9);
		this.write('loadavg', `${l1.toFixed(2)} ${(l1 * 0.8).toFixed(2)} ${(l1 * 0.5).toFixed(2)} ${1 + Math.round(load)}/95 ${3742 + Math.floor(this.ctr.processes)}\n`);
		if (this.read('pressure/cpu') !== null) {
			const p = (x) => Math.max(0, x).toFixed(2);
			const c = 6 * load + 2 * Math.sin(t / 4);
			this.write('pressure/cpu', `some avg10=${p(c)} avg60=${p(c * 0.7)} avg300=${p(c * 0.4)} total=${1983751 + Math.floor(t * 40000 * load)}\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`);
			const m = 1.5 + 1.5 * Math.sin(t / 6);
			this.write('pressure/memory', `some avg10=${p(m)} avg60=${p(m * 0.6)} avg300=${p(m * 0.3)} total=${Math.floor(t * 9000)}\nfull avg10=${p(m / 3)} avg60=${p(m / 5)} avg300=${p(m / 9)} total=${Math.floor(t * 3000)}\n`);
		}
		this.moveFreeLists(t);
	}
	// Normal zone: orders 0-5 breathe; zoneinfo's "pages free" / nr_free_pages follow.
	moveFreeLists(t) {
		if (!this.buddy0 || !this.zi0) return;
		let delta = 0;
		const buddy = this.buddy0.split('\n').map((l) => {
			const m = /^(Node\s+\d+, zone\s+Normal)(.*)$/.exec(l);
			if (!m) return l;
			const n = m[2].trim().split(/\s+/).map(Number);
			const n2 = n.map((v, k) => (k < 6 ? v + Math.round((40 >> k) * (1 + Math.sin(t / 8 + k))) : v));
			delta = n2.reduce((s, v, k) => s + (v - n[k]) * 2 ** k, 0);
			return m[1] + n2.map((v) => String(v).padStart(7)).join('') + ' ';
		});
		this.write('buddyinfo', buddy.join('\n'));
		const parts = this.zi0.split(/(?=^Node \d+, zone)/m);
		this.write('zoneinfo', parts.map((p) => (/^Node \d+, zone\s+Normal/.test(p)
			? p.replace(/(pages free\s+)(\d+)/, (_, a, b) => a + (Number(b) + delta)).replace(/(nr_free_pages\s+)(\d+)/, (_, a, b) => a + (Number(b) + delta))
			: p)).join(''));
	}
	remove() {
		this.stop();
		rmSync(this.dir, {recursive: true, force: true});
	}
}

export async function http(base, path, opts = {}) {
	const res = await fetch(base + path, opts);
	const body = Buffer.from(await res.arrayBuffer());
	return {status: res.status, headers: res.headers, body, text: () => body.toString('utf8'), json: () => JSON.parse(body.toString('utf8'))};
}

// The status of a GET whose path is sent exactly as given (fetch() would normalise "..").
export function rawStatus(port, path) {
	return new Promise((resolve, reject) => {
		const r = request({host: '127.0.0.1', port, path, method: 'GET'}, (res) => {
			res.resume();
			resolve(res.statusCode);
		});
		r.on('error', reject);
		r.end();
	});
}

// Headless Debian chromium, driven by playwright-core, in a new empty profile.
export async function browser(modulesDir, contextOpts) {
	const require = createRequire(join(modulesDir, 'package.json'));
	const {chromium} = require('playwright-core');
	const profile = mkdtempSync(join(tmpdir(), 'procintro-chromium-'));
	cleanups.add(() => rmSync(profile, {recursive: true, force: true}));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		...contextOpts,
	});
	const close = ctx.close.bind(ctx);
	ctx.close = async () => {
		await close();
		rmSync(profile, {recursive: true, force: true});
	};
	return ctx;
}
