// Shared UI pieces: a tiny history router, labelled fields that show the API's error next to
// them, a form hook mapping problem+json to fields, and a modal confirmation dialog.
import { useState, useEffect, useRef } from 'preact/hooks';
import { t, codeText } from './i18n.js';
import { ApiError, get, qs } from './api.js';

// --- router
let listeners = [];
export function navigate(to) {
	history.pushState(null, '', to);
	listeners.forEach((f) => f());
}
export function useLocation() {
	const [loc, setLoc] = useState(location.pathname + location.search);
	useEffect(() => {
		const f = () => setLoc(location.pathname + location.search);
		listeners.push(f);
		addEventListener('popstate', f);
		return () => { listeners = listeners.filter((x) => x !== f); removeEventListener('popstate', f); };
	}, []);
	return loc;
}
export function Link({ href, children, ...rest }) {
	return (
		<a href={href} {...rest} onClick={(e) => {
			if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
			e.preventDefault(); navigate(href);
		}}>{children}</a>
	);
}

// --- errors
export function errText(e) {
	if (e instanceof ApiError && e.status === 0) return t('networkError');
	if (e instanceof ApiError && !(e.body && e.body.detail)) return t('httpError', { status: e.status });
	return (e && e.detail) || String(e);
}

let fieldSeq = 0;
export function Field({ label, error, type = 'text', value, onInput, id, children, hint, ...rest }) {
	const [fid] = useState(() => id || 'f' + (++fieldSeq));
	const errId = fid + '-err', hintId = fid + '-hint';
	const described = [error ? errId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
	return (
		<div class={'field' + (error ? ' has-error' : '')}>
			<label for={fid}>{label}</label>
			{children ? children(fid, described) : (
				<input id={fid} type={type} value={value} onInput={(e) => onInput(e.currentTarget.value)}
					aria-invalid={error ? 'true' : undefined} aria-describedby={described} {...rest} />
			)}
			{hint && <div class="hint" id={hintId}>{hint}</div>}
			{error && <div class="error" id={errId} role="alert">{error}</div>}
		</div>
	);
}

export function Check({ label, checked, onChange, disabled, note }) {
	return (
		<label class="check">
			<input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.currentTarget.checked)} />
			<span>{label}</span>{note && <span class="note"> {note}</span>}
		</label>
	);
}

// useForm: run(fn) sets busy, clears errors, and maps an ApiError to its field (422) or to the form.
export function useForm() {
	const [busy, setBusy] = useState(false);
	const [errors, setErrors] = useState({});
	const [formError, setFormError] = useState('');
	async function run(fn) {
		setBusy(true); setErrors({}); setFormError('');
		try { return await fn(); }
		catch (e) {
			if (e instanceof ApiError && e.field) setErrors({ [e.field]: e.detail });
			else setFormError(errText(e));
			return undefined;
		} finally { setBusy(false); }
	}
	return { busy, errors, formError, run, setFormError };
}

export function FormError({ text }) {
	return text ? <div class="error form-error" role="alert">{text}</div> : null;
}

export function Loading() { return <p class="loading" role="status">{t('loading')}</p>; }

// useLoad: fetches on mount and when deps change; returns {data, error, loading, reload}.
export function useLoad(fn, deps = []) {
	const [state, setState] = useState({ data: null, error: '', loading: true });
	const [n, setN] = useState(0);
	useEffect(() => {
		let live = true;
		setState((s) => ({ ...s, loading: true, error: '' }));
		fn().then((data) => live && setState({ data, error: '', loading: false }),
			(e) => live && setState({ data: null, error: errText(e), loading: false }));
		return () => { live = false; };
	}, [...deps, n]);
	return { ...state, reload: () => setN((x) => x + 1) };
}

// --- confirmation dialog (native <dialog>: focus trapped, Escape cancels)
let askHost = null;
export function confirmAction(message, okLabel) {
	return new Promise((resolve) => askHost ? askHost({ message, okLabel, resolve }) : resolve(window.confirm(message)));
}
export function ConfirmHost() {
	const [q, setQ] = useState(null);
	const ref = useRef();
	useEffect(() => { askHost = setQ; return () => { askHost = null; }; }, []);
	useEffect(() => { if (q && ref.current && !ref.current.open) ref.current.showModal(); }, [q]);
	const close = (v) => { ref.current && ref.current.open && ref.current.close(); const r = q && q.resolve; setQ(null); r && r(v); };
	return (
		<dialog ref={ref} class="confirm" aria-labelledby="confirm-msg" onCancel={(e) => { e.preventDefault(); close(false); }}>
			{q && <div>
				<p id="confirm-msg">{q.message}</p>
				<div class="row">
					<button type="button" onClick={() => close(false)} autofocus>{t('cancel')}</button>
					<button type="button" class="danger" onClick={() => close(true)}>{q.okLabel || t('confirm')}</button>
				</div>
			</div>}
		</dialog>
	);
}

// --- membership: a search for users to add, and a list of members each with a Remove button.
// Both show the API's problem detail right next to the control that caused it.

// UserPicker: searches users by name or e-mail (as you type, or on Enter), optionally of one
// role, leaves out those in `exclude` (and those `accept` refuses), and offers an Add button per match.
export function UserPicker({ label, role, exclude = [], accept, onAdd }) {
	const [q, setQ] = useState('');
	const [res, setRes] = useState({ items: null, error: '', busy: false });
	const [msg, setMsg] = useState('');
	const [fid] = useState(() => 'f' + (++fieldSeq));
	const seq = useRef(0);
	const f = useForm();
	async function search(text) {
		const n = ++seq.current;
		if (!text.trim()) { setRes({ items: null, error: '', busy: false }); return; }
		setRes((r) => ({ ...r, busy: true }));
		try {
			const d = await get('/api/v1/users' + qs({ q: text.trim(), role, limit: 10 }));
			if (n === seq.current) setRes({ items: d.items, error: '', busy: false });
		} catch (e) { if (n === seq.current) setRes({ items: null, error: errText(e), busy: false }); }
	}
	useEffect(() => { const h = setTimeout(() => search(q), 250); return () => clearTimeout(h); }, [q, role]);
	async function add(u) {
		setMsg('');
		const ok = await f.run(async () => { await onAdd(u); return true; });
		if (ok) { setMsg(`${t('added')}: ${u.display_name || u.email}`); setQ(''); }
	}
	const err = res.error || f.formError || Object.values(f.errors)[0];
	const errId = fid + '-err';
	const found = res.items && res.items.filter((u) => !exclude.includes(u.id) && (!accept || accept(u)));
	return (
		<div class="picker">
			<form role="search" class="filters" onSubmit={(e) => { e.preventDefault(); search(q); }}>
				<div class={'field' + (err ? ' has-error' : '')}>
					<label for={fid}>{label}</label>
					<input id={fid} type="search" value={q} autocomplete="off" placeholder={t('nameOrEmail')}
						onInput={(e) => { setQ(e.currentTarget.value); setMsg(''); }}
						aria-invalid={err ? 'true' : undefined} aria-describedby={err ? errId : undefined} />
				</div>
				<button type="submit">{t('search')}</button>
			</form>
			{err && <div class="error" id={errId} role="alert">{err}</div>}
			{msg && <p role="status" class="ok">{msg}</p>}
			{found && (found.length ? (
				<ul class="members" aria-label={t('matches')} aria-busy={res.busy ? 'true' : undefined}>
					{found.map((u) => (
						<li key={u.id}>
							<span>{u.display_name} <span class="note">— {u.email} ({codeText('urole_', u.role)})</span></span>
							<button type="button" class="small" disabled={f.busy} onClick={() => add(u)}
								aria-label={`${t('add')} ${u.display_name || u.email}`}>{t('add')}</button>
						</li>))}
				</ul>) : <p class="note" role="status">{t('noMatch')}</p>)}
		</div>
	);
}

// MemberList: one row per member, rendered by `children(u)`; unless read-only, a Remove button
// calls onRemove(u) and a refusal (e.g. 409 last-company) is shown under that row.
export function MemberList({ items, ro, onRemove, children: render }) {
	const [err, setErr] = useState({ id: '', text: '' });
	const [busy, setBusy] = useState('');
	async function remove(u) {
		setBusy(u.id); setErr({ id: '', text: '' });
		try { await onRemove(u); } catch (e) { setErr({ id: u.id, text: errText(e) }); } finally { setBusy(''); }
	}
	return (
		<ul class="members">
			{items.map((u) => {
				const name = u.display_name || u.email;
				const eid = 'rm-err-' + u.id;
				const bad = err.id === u.id;
				return (
					<li key={u.id}>
						<span>{render(u)}</span>
						{!ro && <button type="button" class="small" onClick={() => remove(u)} disabled={busy === u.id}
							aria-label={`${t('remove')} ${name}`} aria-describedby={bad ? eid : undefined}>{t('remove')}</button>}
						{bad && <div class="error member-error" id={eid} role="alert">{err.text}</div>}
					</li>);
			})}
		</ul>
	);
}
