#!/usr/bin/env node
// Builds the dashboard: src/ -> dist/{index.html, app.js, app.css, icon.svg}.
//
//   npm ci && npm run build        rebuild dist/ (commit it: the daemon embeds dist/, and the C
//                                  build needs no node)
//   node build.mjs --check         exit 1 unless dist/ is exactly what src/ + the lock file give
//   node build.mjs --out DIR       write somewhere else
//
// app.js is one minified IIFE (uPlot bundled in, its licence kept at the end), app.css the
// styles. index.html asks for them with ?v=<hash of the bytes>, so the daemon can tell browsers
// to cache them for good. The output depends only on the inputs (no dates, no absolute paths).
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? args[outIdx + 1] : join(here, 'dist');

const res = await esbuild.build({
	absWorkingDir: here,
	entryPoints: ['src/main.js'],
	bundle: true,
	minify: true,
	format: 'iife',
	target: ['es2020', 'chrome91', 'firefox90', 'safari15'],
	outdir: 'out',
	entryNames: 'app',
	write: false,
	legalComments: 'eof',
	charset: 'utf8',
	logLevel: 'warning',
});

const files = {};
for (const f of res.outputFiles) files[f.path.split('/').pop()] = Buffer.from(f.contents);
files['icon.svg'] = readFileSync(join(here, 'src/icon.svg'));
const v = (name) => createHash('sha256').update(files[name]).digest('hex').slice(0, 12);
files['index.html'] = Buffer.from(readFileSync(join(here, 'src/index.html'), 'utf8').replace(/\{\{([\w.]+)\}\}/g, (_, n) => v(n)));

if (check) {
	const bad = [];
	const have = existsSync(outDir) ? readdirSync(outDir) : [];
	for (const [name, data] of Object.entries(files)) {
		const p = join(outDir, name);
		if (!existsSync(p)) bad.push(`${name}: missing`);
		else if (!readFileSync(p).equals(data)) bad.push(`${name}: differs from what src/ builds`);
	}
	for (const n of have) if (!(n in files)) bad.push(`${n}: not built from src/`);
	if (bad.length) {
		console.error(`dist/ is not reproduced by build.mjs:\n  ${bad.join('\n  ')}\nrun: cd web/ui && npm ci && npm run build`);
		process.exit(1);
	}
	console.log(`dist/ reproduced: ${Object.entries(files).map(([n, d]) => `${n} ${d.length} B`).join(', ')}`);
} else {
	mkdirSync(outDir, {recursive: true});
	for (const [name, data] of Object.entries(files)) writeFileSync(join(outDir, name), data);
	console.log(Object.entries(files).map(([n, d]) => `${n} ${d.length} B`).join(', '));
}
