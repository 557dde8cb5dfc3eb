// Small pieces the calendar integration pages share: a value to paste elsewhere with its Copy
// button, a connection's or a room's status in words, a provider's failure in the reader's
// language with what it names (a scope, a mailbox, a link) listed under it, and a periodic refresh.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, codeText } from '../lib/i18n.js';
import { failureMessage, failureParams } from './calendarSync.js';

let seq = 0;

// the last data a load gave: a refresh that fails keeps the page as it was (its error shown above)
export function useKept(data) {
	const ref = useRef(null);
	if (data) ref.current = data;
	return ref.current;
}

// fn every `ms` while the page is looked at (sync status moves by itself: pushes, full checks)
export function useEvery(ms, fn) {
	const ref = useRef(fn);
	ref.current = fn;
	useEffect(() => {
		const h = setInterval(() => { if (document.visibilityState === 'visible') ref.current(); }, ms);
		return () => clearInterval(h);
	}, [ms]);
}

// `label` names the value for the Copy button (read by screen readers: "Copy Client ID")
export function CopyText({ label, value, block }) {
	const [copied, setCopied] = useState(false);
	const [id] = useState(() => 'cp' + (++seq));
	const ref = useRef();
	async function copy() {
		setCopied(false);
		try { await navigator.clipboard.writeText(value); setCopied(true); return; } catch { /* no clipboard API here */ }
		// selected, so that Ctrl+C copies it at worst
		const sel = getSelection(), range = document.createRange();
		range.selectNodeContents(ref.current);
		sel.removeAllRanges(); sel.addRange(range);
		try { setCopied(document.execCommand('copy')); } catch { /* left selected */ }
	}
	return (
		<div class={'copy-value' + (block ? ' block' : '')}>
			<code id={id} ref={ref}>{value}</code>
			<button type="button" class="small" onClick={copy} aria-label={t('csCopyNamed', { name: label })} aria-describedby={id}>{t('copy')}</button>
			{copied && <span class="ok" role="status">{t('copied')}</span>}
		</div>
	);
}

// the status in words, never by colour alone
export function StatusBadge({ status, prefix = 'csStatus_' }) {
	return <span class={'badge badge-' + String(status || '').replace(/[^a-z0-9_]/g, '')}>{codeText(prefix, status)}</span>;
}

// a failure: its message with the remedy, then what it names
export function FailureText({ code, params, detail, id, alert }) {
	const msg = failureMessage(code, detail);
	if (!msg) return null;
	const list = failureParams(params);
	return (
		<div class="error sync-failure" id={id} role={alert ? 'alert' : undefined}>
			<p>{msg}</p>
			{list.length > 0 && <dl class="pairs">
				{list.map(([k, label, values, link]) => <Fragment key={k}>
					<dt>{label}</dt>
					<dd>{values.map((v) => <div key={v}>{link
						? <a href={v} target="_blank" rel="noopener noreferrer">{v}</a>
						: <code>{k === 'field' ? codeText('csField_', v) : v}</code>}</div>)}</dd>
				</Fragment>)}
			</dl>}
		</div>
	);
}
