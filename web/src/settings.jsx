// Settings: the account's settings (PATCH /api/v1/settings {name: value}), and the same editor
// for a company, where a value is an override (PUT) that can be removed (DELETE).
import { useState } from 'preact/hooks';
import { api, get } from './api.js';
import { t } from './i18n.js';
import { FormError, Loading, useForm, useLoad, confirmAction } from './ui.jsx';

function Editor({ item, ro, onSave, onRemove }) {
	const isJson = item.type !== 'enum' && item.type !== 'boolean' && typeof item.value === 'object';
	const [v, setV] = useState(isJson ? JSON.stringify(item.value, null, 1) : item.value);
	const [msg, setMsg] = useState('');
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
	else if (item.allowed) input = <select id={id} value={v} onChange={(e) => setV(e.currentTarget.value)}>{item.allowed.map((a) => <option key={a} value={a}>{a}</option>)}</select>;
	else if (isJson) input = <textarea id={id} rows={6} cols={50} value={v} onInput={(e) => setV(e.currentTarget.value)} />;
	else input = <input id={id} type="text" value={v} onInput={(e) => setV(e.currentTarget.value)} />;
	return (
		<form class="panel" onSubmit={submit}>
			<div class="field">
				<label for={id}><code>{item.name}</code> — {item.description}</label>
				<fieldset disabled={ro}>{input}</fieldset>
				<div class="hint">{t('source')}: {item.source}</div>
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
	if (s.loading && !s.data) return <Loading />;
	if (s.error) return <FormError text={s.error} />;
	return s.data.items.map((it) => (
		<Editor key={it.name + JSON.stringify(it.value) + it.source} item={it} ro={ro}
			onSave={async (value) => {
				if (companyId) await api('PUT', `${base}/${it.name}`, { value });
				else await api('PATCH', base, { [it.name]: value });
				if (it.name === 'language' && !companyId) location.reload(); else s.reload();
			}}
			onRemove={companyId ? async () => { await api('DELETE', `${base}/${it.name}`); s.reload(); } : null} />
	));
}

export function Settings({ ro }) {
	return (
		<section aria-labelledby="set-h">
			<h1 id="set-h">{t('settings')}</h1>
			<h2>{t('accountLevel')}</h2>
			<SettingsList ro={ro} />
		</section>
	);
}
