// What the views share: reading a document with its failure state, and saying so in a panel.
import {clock} from '../fmt.js';

// {doc, msg, kind}: the document to show (maybe old), and the panel's notice.
export function docState(state, name) {
	const doc = state.docs[name] || null;
	const err = state.docErr[name];
	if (err && !doc) return {doc, msg: err, kind: 'error'};
	if (err) return {doc, msg: `${err} \u00b7 showing data read at ${clock(doc.sampled_at)}`, kind: 'warn'};
	if (doc && doc.stale) return {doc, msg: `${doc.error} \u00b7 showing data read at ${clock(doc.sampled_at)}`, kind: 'warn'};
	return {doc, msg: null, kind: null};
}

// Show a docState in a panel; returns the document (or null).
export function noticeFor(p, ds) {
	p.notice(ds.msg, ds.kind || 'error');
	return ds.doc;
}

// The health entry of a source, and a sentence about it when it has no data.
export function sourceProblem(state, src) {
	const s = state.health && state.health.sources[src];
	if (!s) return null;
	if (s.sampled_at !== null && s.ok) return null;
	return `${src}: ${s.error || 'not read yet'}`;
}
