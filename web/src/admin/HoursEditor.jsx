// The business hours editor: per weekday open or closed with up to 4 from/to intervals, reading
// and writing the JSON the server checks in src/settings/settings.c. Used by the admin center's
// Settings (account and company), the managers' business hours page and rooms' opening hours.
import { useState } from 'preact/hooks';
import { t, tOr, codeText } from '../lib/i18n.js';
import { Check, useForm, confirmAction } from '../lib/ui.jsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_INTERVALS = 4; /* the server's limit per day */
let hoursSeq = 0;

// "9:30" -> "09:30"; anything else is returned trimmed for the check below to refuse
function padTime(s) {
	const m = /^(\d{1,2}):(\d{2})$/.exec(String(s).trim());
	return m ? m[1].padStart(2, '0') + ':' + m[2] : String(s).trim();
}

// the value to send, or {day, error} for the first time that is not HH:MM
export function hoursToSend(v) {
	const out = {};
	for (const d of DAYS) {
		out[d] = [];
		for (const iv of v[d] || []) {
			const x = { open: padTime(iv.open), close: padTime(iv.close) };
			if (!/^\d\d:\d\d$/.test(x.open) || !/^\d\d:\d\d$/.test(x.close)) return { day: d, error: t('badTime') };
			out[d].push(x);
		}
	}
	return { value: out };
}

// the day a server message such as "business_hours.mon[0]: open must be before close" is about
export function dayOf(msg) {
	const m = /business_hours\.(mon|tue|wed|thu|fri|sat|sun)\b/.exec(msg || '');
	return m ? m[1] : '';
}

export function HoursView({ value }) {
	return (
		<table class="hours-view">
			<tbody>{DAYS.map((d) => {
				const list = value[d] || [];
				return <tr key={d}><th scope="row">{t('day_' + d)}</th>
					<td>{list.length ? list.map((iv) => `${iv.open}–${iv.close}`).join(', ') : t('closed')}</td></tr>;
			})}</tbody>
		</table>
	);
}

function TimeInput({ label, value, onInput, invalid, describedBy }) {
	const [id] = useState(() => 'hr' + (++hoursSeq));
	return (
		<div class="field time">
			<label for={id}>{label}</label>
			<input id={id} type="text" size={6} maxLength={5} placeholder={t('hhmm')} autocomplete="off"
				value={value} onInput={(e) => onInput(e.currentTarget.value)}
				aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy} />
		</div>
	);
}

export function HoursEditor({ name, value, onChange, errDay, error }) {
	return (
		<div class="hours">
			{DAYS.map((d) => {
				const list = value[d] || [];
				const set = (l) => onChange({ ...value, [d]: l });
				const bad = errDay === d && error;
				const eid = `${name}-${d}-err`;
				const n = (i) => (list.length > 1 ? <span class="sr"> {i + 1}</span> : null);
				return (
					<fieldset class={'group day' + (bad ? ' has-error' : '')} key={d}>
						<legend>{t('day_' + d)}</legend>
						<Check label={t('isOpen')} checked={list.length > 0}
							onChange={(on) => set(on ? [{ open: '09:00', close: '17:00' }] : [])} />
						{!list.length && <span class="note">{t('closed')}</span>}
						{list.map((iv, i) => (
							<div class="row interval" key={i}>
								<TimeInput label={<>{t('from')}{n(i)}</>} value={iv.open} invalid={bad} describedBy={bad ? eid : undefined}
									onInput={(x) => set(list.map((y, j) => (j === i ? { ...y, open: x } : y)))} />
								<TimeInput label={<>{t('to')}{n(i)}</>} value={iv.close} invalid={bad} describedBy={bad ? eid : undefined}
									onInput={(x) => set(list.map((y, j) => (j === i ? { ...y, close: x } : y)))} />
								{list.length > 1 && <button type="button" class="small" onClick={() => set(list.filter((_, j) => j !== i))}
									aria-label={`${t('removeInterval')} ${t('day_' + d)} ${i + 1}`}>{t('removeInterval')}</button>}
							</div>))}
						{list.length > 0 && list.length < MAX_INTERVALS && <button type="button" class="small"
							onClick={() => set([...list, { open: '', close: '' }])}
							aria-label={`${t('addInterval')}: ${t('day_' + d)}`}>{t('addInterval')}</button>}
						{bad && <div class="error" id={eid} role="alert">{error}</div>}
					</fieldset>);
			})}
			<div class="hint">{t('timeHint')}</div>
		</div>
	);
}

// one company's or the account's business_hours: the editor (or, read-only, the table), Save and,
// where a company overrides the account's hours, the button that stops it (removeLabel; the
// admin center asks first, `confirm`). `saved`: remounted by the reload after its own change
// (true: "Saved.", or the text to say). legend, note (instead of the source), idBase: for a page
// with several of them.
export function HoursSetting({ item, ro, onSave, onRemove, saved, legend, note, idBase, saveLabel, removeLabel, confirm = true }) {
	const [v, setV] = useState(() => JSON.parse(JSON.stringify(item.value || {})));
	const [msg, setMsg] = useState(typeof saved === 'string' ? saved : saved ? t('saved') : '');
	const [local, setLocal] = useState({ day: '', error: '' });
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg(''); setLocal({ day: '', error: '' });
		const x = hoursToSend(v);
		if (x.error) { setLocal(x); return; }
		f.run(async () => { await onSave(x.value); setMsg(t('saved')); });
	};
	const server = f.formError || Object.values(f.errors)[0] || '';
	const errDay = local.day || dayOf(server);
	const error = local.error || server;
	return (
		<form class="panel" onSubmit={submit}>
			<fieldset class="field">
				<legend>{legend || <><code>{item.name}</code> — {tOr('setting_' + item.name, item.description)}</>}</legend>
				{ro ? <HoursView value={v} /> : <HoursEditor name={idBase || 'set-' + item.name} value={v} onChange={(x) => { setV(x); setMsg(''); }} errDay={errDay} error={error} />}
				<div class="hint">{note || <>{t('source')}: {codeText('source_', item.source)}</>}</div>
				{error && !errDay && <div class="error" role="alert">{error}</div>}
			</fieldset>
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <div class="row">
				<button type="submit" disabled={f.busy}>{saveLabel || (onRemove ? t('override') : t('save'))}</button>
				{onRemove && item.source === 'company' && <button type="button" disabled={f.busy} onClick={async () => {
					const label = removeLabel || t('removeOverride');
					if (!confirm || await confirmAction(label + ' ' + item.name + '?', label)) {
						setMsg(''); f.run(onRemove);
					}
				}}>{removeLabel || t('removeOverride')}</button>}
			</div>}
		</form>
	);
}
