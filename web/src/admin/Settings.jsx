// Settings: the account's settings (PATCH /api/v1/settings {name: value}), and the same editor
// for a company, where a value is an override (PUT) that can be removed (DELETE).
// Account administrators also find the calendar integration here (CalendarIntegration.jsx).
// business_hours gets its own editor (HoursEditor.jsx, shared with the managers' business hours
// page and rooms' opening hours).
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t, tOr, codeText } from '../lib/i18n.js';
import { FormError, Loading, useForm, useLoad, confirmAction, navigate } from '../lib/ui.jsx';
import { CalendarIntegration } from './CalendarIntegration.jsx';
import { HoursSetting } from './HoursEditor.jsx';

// `saved`: this editor was just remounted by the reload after its own save
function Editor(props) {
	return props.item.type === 'business_hours' ? <HoursSetting {...props} /> : <ValueEditor {...props} />;
}

function ValueEditor({ item, ro, onSave, onRemove, saved }) {
	const isJson = item.type !== 'enum' && item.type !== 'boolean' && typeof item.value === 'object';
	const [v, setV] = useState(isJson ? JSON.stringify(item.value, null, 1) : item.value);
	const [msg, setMsg] = useState(saved ? t('saved') : '');
	const f = useForm();
	const id = 'set-' + item.name;
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		let value = v;
		if (isJson) { try { value = JSON.parse(v); } catch (err) { f.setFormError(String(err.message)); return; } }
		f.run(async () => { await onSave(value); setMsg(t('saved')); });
	};
	const err = f.formError || Object.values(f.errors)[0];
	let input;
	if (item.type === 'boolean') input = <input id={id} type="checkbox" checked={!!v} onChange={(e) => setV(e.currentTarget.checked)} />;
	else if (item.allowed) input = <select id={id} value={v} onChange={(e) => setV(e.currentTarget.value)}>{item.allowed.map((a) => <option key={a} value={a}>{item.name === 'language' ? codeText('lang_', a) : a}</option>)}</select>;
	else if (isJson) input = <textarea id={id} rows={6} cols={50} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
	else input = <input id={id} type="text" value={v} onInput={(e) => setV(e.currentTarget.value)} />;
	return (
		<form class="panel" onSubmit={submit}>
			<div class="field">
				<label for={id}><code>{item.name}</code> — {tOr('setting_' + item.name, item.description)}</label>
				<fieldset disabled={ro}>{input}</fieldset>
				<div class="hint">{t('source')}: {codeText('source_', item.source)}</div>
				{err && <div class="error" role="alert">{err}</div>}
			</div>
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <div class="row">
				<button type="submit" disabled={f.busy}>{onRemove ? t('override') : t('save')}</button>
				{onRemove && item.source === 'company' && <button type="button" onClick={async () => {
					if (await confirmAction(t('removeOverride') + ' ' + item.name + '?', t('removeOverride'))) f.run(onRemove);
				}}>{t('removeOverride')}</button>}
			</div>}
		</form>
	);
}

export function SettingsList({ companyId, ro }) {
	const base = companyId ? `/api/v1/companies/${companyId}/settings` : '/api/v1/settings';
	const s = useLoad(() => get(base), [base]);
	const [saved, setSaved] = useState('');
	if (s.loading && !s.data) return <Loading />;
	if (s.error) return <FormError text={s.error} />;
	return s.data.items.map((it) => (
		<Editor key={it.name + JSON.stringify(it.value) + it.source} item={it} ro={ro} saved={saved === it.name}
			onSave={async (value) => {
				setSaved('');
				if (companyId) await api('PUT', `${base}/${it.name}`, { value });
				else await api('PATCH', base, { [it.name]: value });
				if (it.name === 'language' && !companyId) location.reload(); else { setSaved(it.name); s.reload(); }
			}}
			onRemove={companyId ? async () => { await api('DELETE', `${base}/${it.name}`); s.reload(); } : null} />
	));
}

// The settings' tabs: the account's settings, and for account administrators only the calendar
// integration (its routes answer 403 to everyone else, technicians included); the tab is in the
// path (/settings/calendar/{provider}[/rooms]).
const TABS = ['general', 'calendar'];
const TAB_LABEL = { general: 'accountSettings', calendar: 'calendarIntegration' };

export function Settings({ ro, role, sub, provider, view }) {
	const tabs = role === 'admin' ? TABS : ['general'];
	const tab = sub === 'calendar' ? 'calendar' : 'general';
	const choose = (x) => navigate(x === 'general' ? '/settings' : '/settings/' + x);
	const onKey = (e) => {
		const i = tabs.indexOf(tab);
		const n = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length
			: e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
		if (n < 0) return;
		e.preventDefault();
		choose(tabs[n]);
		const list = e.currentTarget.parentNode;
		setTimeout(() => { const b = list.children[n]; if (b) b.focus(); }, 0);
	};
	let body;
	if (tab === 'calendar') body = role === 'admin' ? <CalendarIntegration provider={provider} view={view} /> : <p>{t('calendarIntegrationAdmins')}</p>;
	else body = <><h2>{t('accountLevel')}</h2><SettingsList ro={ro} /></>;
	return (
		<section aria-labelledby="set-h">
			<h1 id="set-h">{t('settings')}</h1>
			{tabs.length > 1 ? <>
				<div class="tabs" role="tablist" aria-label={t('settings')}>
					{tabs.map((x) => <button key={x} type="button" role="tab" id={'stab-' + x} aria-controls="stab-panel"
						aria-selected={tab === x ? 'true' : 'false'} tabIndex={tab === x ? 0 : -1} onKeyDown={onKey}
						onClick={() => choose(x)}>{t(TAB_LABEL[x])}</button>)}
				</div>
				<div role="tabpanel" id="stab-panel" aria-labelledby={'stab-' + tab}>{body}</div>
			</> : body}
		</section>
	);
}
