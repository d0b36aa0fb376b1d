// Units a person reads. Pure functions, shared with tests/browser (which format the API's
// numbers with them and compare with the page's text). null/undefined print as an em dash.

export const NONE = '\u2014';

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

function sig3(v) {
	// three significant digits, no exponent: 1.23, 12.3, 123
	if (v >= 100) return v.toFixed(0);
	if (v >= 10) return v.toFixed(1);
	return v.toFixed(2);
}

function missing(v) {
	return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
}

// 0 B, 512 B, 1.50 KiB, 12.3 MiB, 3.00 GiB; exact powers print without decimals (4 KiB, 2 MiB).
export function bytes(n) {
	if (missing(n)) return NONE;
	n = Number(n);
	const neg = n < 0;
	let v = Math.abs(n), u = 0;
	while (v >= 1024 && u < IEC.length - 1) {
		v /= 1024;
		u++;
	}
	const s = u === 0 ? String(v) : Number.isInteger(v) ? String(v) : sig3(v);
	return (neg ? '-' : '') + s + ' ' + IEC[u];
}

// A share in [0, 1] as a percentage: 0.4237 -> 42.4%.
export function pct(x, digits = 1) {
	if (missing(x)) return NONE;
	return (x * 100).toFixed(digits) + '%';
}

// A PSI value, already in percent: 2.02 -> 2.02%.
export function pctValue(x) {
	if (missing(x)) return NONE;
	return Number(x).toFixed(2) + '%';
}

// Events per second: 0/s, 586/s, 12.3k/s, 1.20M/s.
export function rate(x) {
	if (missing(x)) return NONE;
	const v = Math.abs(x);
	if (v < 1000) return (v < 10 && !Number.isInteger(x) ? x.toFixed(1) : Math.round(x).toString()) + '/s';
	if (v < 1e6) return sig3(x / 1e3) + 'k/s';
	if (v < 1e9) return sig3(x / 1e6) + 'M/s';
	return sig3(x / 1e9) + 'G/s';
}

// An integer count with thousands separators: 122,067.
export function count(n) {
	if (missing(n)) return NONE;
	return Math.round(Number(n)).toLocaleString('en-US');
}

// A load average or any small decimal, as printed.
export function dec(x, digits = 2) {
	if (missing(x)) return NONE;
	return Number(x).toFixed(digits);
}

// unusable / fragmentation indices (the kernel's thousandths): 0.157, -1.000.
export function index3(x) {
	if (missing(x)) return NONE;
	return Number(x).toFixed(3);
}

// Page counts as bytes.
export function pages(n, pageSize) {
	if (missing(n) || missing(pageSize)) return NONE;
	return bytes(n * pageSize);
}

// Physical addresses are below 2^53, so they are exact as numbers; the API prints them as hex.
export function parseAddr(s) {
	if (missing(s)) return null;
	return parseInt(s, 16);
}

export function hex(n) {
	if (missing(n)) return NONE;
	return '0x' + Math.floor(n).toString(16);
}

// Seconds as a short duration: 0.8 s, 12 s, 3 min, 2.0 h.
export function duration(s) {
	if (missing(s)) return NONE;
	if (s < 10) return s.toFixed(1) + ' s';
	if (s < 120) return Math.round(s) + ' s';
	if (s < 7200) return Math.round(s / 60) + ' min';
	if (s < 172800) return (s / 3600).toFixed(1) + ' h';
	return (s / 86400).toFixed(1) + ' d';
}

export function ms(x) {
	if (missing(x)) return NONE;
	return x < 1 ? x.toFixed(3) + ' ms' : x < 100 ? x.toFixed(1) + ' ms' : Math.round(x) + ' ms';
}

// Wall-clock time of a Unix timestamp, local time, HH:MM:SS.
export function clock(t) {
	if (missing(t)) return NONE;
	const d = new Date(t * 1000);
	const p = (v) => String(v).padStart(2, '0');
	return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
