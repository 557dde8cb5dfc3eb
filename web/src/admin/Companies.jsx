// Companies: list and creation; the company page renames or deletes it (the server's 409
// detail is shown, e.g. for the default company), lists, adds and removes members (the 409
// detail when it is a user's last company), manages its devices, its support portal
// (PortalPanel.jsx) and its setting overrides.
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, useForm, useLoad, confirmAction, navigate, UserPicker, MemberList } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { SettingsList } from './Settings.jsx';
import { PortalPanel } from './PortalPanel.jsx';
import { when } from '../lib/time.js';

const KINDS = ['desktop', 'laptop', 'server', 'phone', 'tablet', 'printer', 'other'];

export function Companies({ ro }) {
	const p = usePaged('/api/v1/companies', []);
	const [name, setName] = useState('');
	const f = useForm();
	const [msg, setMsg] = useState('');
	const submit = (e) => { e.preventDefault(); setMsg(''); f.run(async () => { const c = await api('POST', '/api/v1/companies', { name }); setName(''); setMsg(t('companyCreated', { name: c.name })); p.reload(); }); };
	return (
		<section aria-labelledby="co-h">
			<h1 id="co-h">{t('companies')}</h1>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<table>
					<thead><tr><th>{t('name')}</th><th>{t('created')}</th></tr></thead>
					<tbody>{p.items.map((c) => <tr key={c.id}><td><Link href={'/companies/' + c.id}>{c.name}</Link>{c.is_default && <span class="note"> {t('defaultCompany')}</span>}</td><td>{when(c.created_at).slice(0, 10)}</td></tr>)}</tbody>
				</table>
				<MoreButton p={p} />
			</>}
			{!ro && <form class="panel" onSubmit={submit}>
				<Field label={t('name')} value={name} onInput={setName} error={f.errors.name} required />
				<FormError text={f.formError} />
				{msg && <p role="status" class="ok">{msg}</p>}
				<button type="submit" class="primary" disabled={f.busy}>{t('create')}</button>
			</form>}
		</section>
	);
}

export function CompanyPage({ id, ro }) {
	const c = useLoad(() => get('/api/v1/companies/' + encodeURIComponent(id)), [id]);
	const [saved, setSaved] = useState(''); // the name this page just saved
	if (c.loading && !c.data) return <Loading />;
	if (c.error) return <><FormError text={c.error} /><Link href="/companies">{t('back')}</Link></>;
	return (
		<section aria-labelledby="cp-h">
			<p><Link href="/companies">← {t('companies')}</Link></p>
			<h1 id="cp-h">{c.data.name}</h1>
			<Rename key={c.data.name} company={c.data} ro={ro} saved={saved === c.data.name} onSaved={(n) => { setSaved(n); c.reload(); }} />
			<Members id={id} ro={ro} />
			<Devices id={id} ro={ro} />
			<PortalPanel companyId={id} ro={ro} />
			<section class="panel" aria-labelledby="cs-h"><h2 id="cs-h">{t('settings')}</h2><SettingsList companyId={id} ro={ro} /></section>
		</section>
	);
}

function Rename({ company, ro, onSaved, saved }) {
	const [name, setName] = useState(company.name);
	const f = useForm();
	const submit = (e) => { e.preventDefault(); f.run(async () => { const x = await api('PATCH', '/api/v1/companies/' + company.id, { name }); onSaved(x.name); }); };
	async function del() {
		if (!(await confirmAction(`${t('del')} ${company.name}? ${t('areYouSure')}`, t('del')))) return;
		if (await f.run(async () => { await api('DELETE', '/api/v1/companies/' + company.id); return true; })) navigate('/companies');
	}
	if (ro) return null;
	return (
		<form class="panel" onSubmit={submit}>
			<Field label={t('name')} value={name} onInput={setName} error={f.errors.name} required />
			<FormError text={f.formError} />
			{saved && <p role="status" class="ok">{t('saved')}</p>}
			<div class="row">
				<button type="submit" disabled={f.busy}>{t('save')}</button>
				<button type="button" class="danger" onClick={del} disabled={f.busy}>{t('del')}</button>
			</div>
		</form>
	);
}

function Members({ id, ro }) {
	const p = usePaged(`/api/v1/companies/${id}/members`, [id]);
	const url = (u) => `/api/v1/companies/${id}/members/${encodeURIComponent(u.id)}`;
	return (
		<section class="panel" aria-labelledby="cm-h">
			<h2 id="cm-h">{t('members')}</h2>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<MemberList items={p.items} ro={ro} onRemove={async (u) => { await api('DELETE', url(u)); p.reload(); }}>
					{(u) => <><Link href={'/users/' + u.id}>{u.display_name}</Link> — {u.email} ({codeText('urole_', u.role)})</>}
				</MemberList>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
			{!ro && <UserPicker label={t('findUser')} exclude={p.items.map((u) => u.id)}
				onAdd={async (u) => { await api('PUT', url(u)); p.reload(); }} />}
		</section>
	);
}

function DeviceForm({ initial, companyId, onDone, onCancel }) {
	const [v, setV] = useState(initial || { name: '', kind: 'desktop', serial: '', notes: '' });
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		const body = { name: v.name, kind: v.kind, serial: v.serial, notes: v.notes, company_ids: initial ? initial.company_ids : [companyId] };
		f.run(async () => {
			if (initial) await api('PATCH', '/api/v1/devices/' + initial.id, body);
			else { await api('POST', '/api/v1/devices', body); setV({ name: '', kind: 'desktop', serial: '', notes: '' }); }
			onDone();
		});
	};
	return (
		<form onSubmit={submit} class={initial ? '' : 'panel'}>
			<div class="grid">
				<Field label={t('name')} value={v.name} onInput={set('name')} error={f.errors.name} required />
				<Field label={t('kind')} error={f.errors.kind}>{(fid, d) =>
					<select id={fid} aria-describedby={d} value={v.kind} onChange={(e) => set('kind')(e.currentTarget.value)}>{KINDS.map((k) => <option key={k} value={k}>{t('device_' + k)}</option>)}</select>}
				</Field>
				<Field label={t('serial')} value={v.serial} onInput={set('serial')} error={f.errors.serial} />
				<Field label={t('notes')} value={v.notes} onInput={set('notes')} error={f.errors.notes} />
			</div>
			<FormError text={f.formError || f.errors.company_ids} />
			<div class="row">
				<button type="submit" class="primary" disabled={f.busy}>{initial ? t('save') : t('create')}</button>
				{onCancel && <button type="button" onClick={onCancel}>{t('cancel')}</button>}
			</div>
		</form>
	);
}

function Devices({ id, ro }) {
	const p = usePaged('/api/v1/devices' + qs({ company: id }), [id]);
	const [editing, setEditing] = useState(null);
	const f = useForm();
	async function del(d) {
		if (!(await confirmAction(`${t('del')} ${d.name}? ${t('areYouSure')}`, t('del')))) return;
		if (await f.run(async () => { await api('DELETE', '/api/v1/devices/' + d.id); return true; })) p.reload();
	}
	return (
		<section class="panel" aria-labelledby="dv-h">
			<h2 id="dv-h">{t('devices')}</h2>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error || f.formError} />
				<table>
					<thead><tr><th>{t('name')}</th><th>{t('kind')}</th><th>{t('serial')}</th><th>{t('notes')}</th>{!ro && <th><span class="sr">{t('actions')}</span></th>}</tr></thead>
					<tbody>{p.items.map((d) => editing === d.id ? (
						<tr key={d.id}><td colSpan={5}><DeviceForm initial={d} onDone={() => { setEditing(null); p.reload(); }} onCancel={() => setEditing(null)} /></td></tr>
					) : (
						<tr key={d.id}><td>{d.name}</td><td>{codeText('device_', d.kind)}</td><td>{d.serial}</td><td>{d.notes}</td>
							{!ro && <td><div class="row">
								<button type="button" onClick={() => setEditing(d.id)} aria-label={`${t('edit')} ${d.name}`}>{t('edit')}</button>
								<button type="button" class="danger" onClick={() => del(d)} aria-label={`${t('del')} ${d.name}`}>{t('del')}</button>
							</div></td>}
						</tr>))}
					</tbody>
				</table>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
			{!ro && <DeviceForm companyId={id} onDone={p.reload} />}
		</section>
	);
}
