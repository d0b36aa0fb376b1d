// Tiny DOM helpers. Views build their elements once and then only change text, attributes and
// chart data, so a live update never re-creates what the user is looking at (no flicker, and a
// hover or a text selection survives an update).

// h('div', {class: 'x', testid: 'y', onclick: f}, child, 'text', [more children])
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false) continue;
			if (k === 'class') el.className = v;
			else if (k === 'testid') el.dataset.testid = v;
			else if (k === 'text') el.textContent = v;
			else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
			else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
			else if (k in el && typeof v !== 'string') el[k] = v;
			else el.setAttribute(k, v === true ? '' : v);
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		if (Array.isArray(c)) append(el, c);
		else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
}

// Set text only when it changed; `value` (the raw number the text shows) goes to data-value.
export function setText(el, text, value) {
	if (el.textContent !== text) el.textContent = text;
	if (value !== undefined) {
		const v = value === null ? 'null' : String(value);
		if (el.dataset.value !== v) el.dataset.value = v;
	}
}

export function setAttr(el, name, value) {
	if (value === null || value === undefined) {
		if (el.hasAttribute(name)) el.removeAttribute(name);
	} else if (el.getAttribute(name) !== String(value)) {
		el.setAttribute(name, value);
	}
}

export function toggle(el, cls, on) {
	if (el.classList.contains(cls) !== !!on) el.classList.toggle(cls, !!on);
}

// A panel: a titled card whose body holds the content, plus a notice line that says why the
// content is missing or stale (a failing source) without removing what was shown before.
export function panel(title, opts = {}) {
	const notice = h('div', {class: 'notice', role: 'status', testid: opts.testid ? opts.testid + '-notice' : undefined, hidden: true});
	const tools = h('div', {class: 'tools'});
	const body = h('div', {class: 'body'});
	const el = h('section', {class: 'panel' + (opts.wide ? ' wide' : '') + (opts.cls ? ' ' + opts.cls : ''), testid: opts.testid},
		h('header', null, h('h2', {title: opts.help || ''}, title), tools), notice, body);
	return {
		el, body, tools,
		// msg: null clears; kind 'error' (no data) or 'warn' (data shown but stale / partial)
		notice(msg, kind = 'error') {
			setText(notice, msg || '');
			notice.hidden = !msg;
			notice.className = 'notice ' + (kind || '');
			toggle(el, 'failed', msg && kind === 'error');
		},
	};
}

// A labelled figure ("tile"): a big number and a caption. Returns the value element.
export function tile(label, testid, help, wide) {
	const v = h('div', {class: 'v', testid}, '\u2014');
	const el = h('div', {class: 'tile' + (wide ? ' wide' : ''), title: help || ''}, v, h('div', {class: 'k'}, label));
	return {el, v};
}

// A table whose body is keyed rows updated in place. columns: [{key, label, cls}].
// rowsOf(data) -> [{key, cells: {colKey: text | {text, value, cls, title}}}]
export function keyedTable(columns, opts = {}) {
	const tbody = h('tbody');
	const table = h('table', {class: 'grid ' + (opts.cls || ''), testid: opts.testid},
		h('thead', null, h('tr', null, columns.map((c) => h('th', {class: c.cls, title: c.help || ''}, c.label)))),
		tbody);
	const rows = new Map();
	function update(list) {
		const seen = new Set();
		let prev = null;
		for (const r of list) {
			seen.add(r.key);
			let row = rows.get(r.key);
			if (!row) {
				const cells = {};
				const tr = h('tr', {testid: opts.rowTestid ? opts.rowTestid(r.key) : undefined},
					columns.map((c) => (cells[c.key] = h('td', {class: c.cls, testid: opts.cellTestid ? opts.cellTestid(r.key, c.key) : undefined}))));
				if (opts.onRowClick) {
					tr.classList.add('clickable');
					tr.addEventListener('click', () => opts.onRowClick(r.key));
				}
				row = {tr, cells};
				rows.set(r.key, row);
			}
			for (const c of columns) {
				const cell = r.cells[c.key];
				const td = row.cells[c.key];
				if (cell && typeof cell === 'object' && !(cell instanceof Node)) {
					setText(td, cell.text, cell.value);
					setAttr(td, 'title', cell.title || null);
					td.className = (c.cls || '') + (cell.cls ? ' ' + cell.cls : '');
				} else {
					setText(td, cell === undefined || cell === null ? '' : String(cell));
				}
			}
			// keep DOM order equal to list order, moving only what is out of place
			const want = prev ? prev.nextSibling : tbody.firstChild;
			if (want !== row.tr) tbody.insertBefore(row.tr, want);
			prev = row.tr;
		}
		for (const [k, row] of rows) {
			if (!seen.has(k)) {
				row.tr.remove();
				rows.delete(k);
			}
		}
	}
	return {el: h('div', {class: 'scroll'}, table), update, table};
}
