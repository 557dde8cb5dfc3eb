// A company's support portal, on the company's page: its address (with a link to open it), its
// look (title, welcome text, logo, colour), who may ask (anyone giving a name and address, or the
// company's customer users), what happens when nobody is available (offline policy), the teams
// that serve it, its auto-responses, and its sub-portals (e.g. one per department, each with its
// own address and teams). The server decides who may change what: its 403/422 details show.
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Loading, useForm, useLoad, confirmAction, Check } from '../lib/ui.jsx';

const POLICIES = ['offline_form', 'queue', 'hide'];
const AUTH = ['contact', 'sign_in'];

const pagePath = (slug) => '/portal/' + encodeURIComponent(slug);
const portalUrl = (slug) => location.origin + pagePath(slug);

function Select({ label, value, options, prefix, onChange, error }) {
	return (
		<Field label={label} error={error}>{(fid, d) => (
			<select id={fid} aria-describedby={d} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
				{options.map((o) => <option key={o} value={o}>{t(prefix + o)}</option>)}
			</select>
		)}</Field>
	);
}

function Area({ label, value, onInput, error, hint }) {
	return (
		<Field label={label} error={error} hint={hint}>{(fid, d) => (
			<textarea id={fid} rows={3} value={value} aria-describedby={d} aria-invalid={error ? 'true' : undefined}
				onInput={(e) => onInput(e.currentTarget.value)} />
		)}</Field>
	);
}

const FIELDS = ['title', 'slug', 'welcome', 'logo', 'accent', 'customer_auth', 'offline_policy', 'greeting', 'wait_after_s', 'wait_message', 'offline_message'];

function PortalForm({ portal, teams, ro, onSaved, sub }) {
	const [v, setV] = useState(() => {
		const o = {};
		FIELDS.forEach((k) => { o[k] = portal[k] === undefined || portal[k] === null ? '' : portal[k]; });
		o.team_ids = portal.team_ids || [];
		return o;
	});
	const [msg, setMsg] = useState('');
	const f = useForm();
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		const body = {};
		FIELDS.forEach((k) => { if (String(v[k]) !== String(portal[k] === undefined || portal[k] === null ? '' : portal[k])) body[k] = v[k]; });
		if (body.wait_after_s !== undefined) body.wait_after_s = Number(body.wait_after_s) || 0;
		if (JSON.stringify([...v.team_ids].sort()) !== JSON.stringify([...(portal.team_ids || [])].sort())) body.team_ids = v.team_ids;
		if (!Object.keys(body).length) { setMsg(t('saved')); return; }
		f.run(async () => { await api('PATCH', '/api/v1/portals/' + portal.id, body); setMsg(t('saved')); onSaved(); });
	};
	const items = (teams && teams.items) || [];
	const e = f.errors;
	return (
		<form onSubmit={submit} aria-label={sub ? portal.title : t('portalSettings')}>
			<fieldset disabled={ro} class="inner">
				<legend>{t('portalLook')}</legend>
				<div class="grid">
					<Field label={t('portalTitleLabel')} value={v.title} onInput={set('title')} error={e.title} required maxLength={200} />
					<Field label={t('portalSlug')} value={v.slug} onInput={set('slug')} error={e.slug} hint={portalUrl(v.slug || portal.slug)} required maxLength={63} />
					<Field label={t('portalLogo')} value={v.logo} onInput={set('logo')} error={e.logo} hint={t('portalLogoHint')} />
					<Field label={t('portalAccent')} type="color" value={v.accent || '#1f5fbf'} onInput={set('accent')} error={e.accent} />
				</div>
				<Area label={t('portalWelcome')} value={v.welcome} onInput={set('welcome')} error={e.welcome} />
			</fieldset>
			<fieldset disabled={ro} class="inner">
				<legend>{t('portalAccess')}</legend>
				<div class="grid">
					<Select label={t('portalCustomerAuth')} value={v.customer_auth} options={AUTH} prefix="portalAuth_" onChange={set('customer_auth')} error={e.customer_auth} />
					<Select label={t('portalOfflinePolicy')} value={v.offline_policy} options={POLICIES} prefix="portalPolicy_" onChange={set('offline_policy')} error={e.offline_policy} />
				</div>
				<fieldset class="inner">
					<legend>{t('portalTeams')}</legend>
					{items.map((x) => <Check key={x.id} label={x.name} checked={v.team_ids.includes(x.id)}
						onChange={(on) => setV({ ...v, team_ids: on ? [...v.team_ids, x.id] : v.team_ids.filter((y) => y !== x.id) })} />)}
					{!items.length && <p>{t('none')}</p>}
					{sub && !v.team_ids.length && <p class="hint">{t('portalTeamsInherited')}</p>}
					{e.team_ids && <p class="error" role="alert">{e.team_ids}</p>}
				</fieldset>
			</fieldset>
			<fieldset disabled={ro} class="inner">
				<legend>{t('portalAutoResponses')}</legend>
				<Area label={t('portalGreeting')} value={v.greeting} onInput={set('greeting')} error={e.greeting} hint={t('portalGreetingHint')} />
				<div class="grid">
					<Field label={t('portalWaitAfter')} type="number" min={0} max={3600} value={v.wait_after_s} onInput={set('wait_after_s')} error={e.wait_after_s} hint={t('portalWaitAfterHint')} />
				</div>
				<Area label={t('portalWaitMessage')} value={v.wait_message} onInput={set('wait_message')} error={e.wait_message} />
				<Area label={t('portalOfflineMessage')} value={v.offline_message} onInput={set('offline_message')} error={e.offline_message} />
			</fieldset>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <button type="submit" class="primary" disabled={f.busy}>{t('save')}</button>}
		</form>
	);
}

function SubPortals({ portal, teams, ro }) {
	const subs = useLoad(() => get('/api/v1/portals' + qs({ parent_id: portal.id, limit: 100 })), [portal.id]);
	const [v, setV] = useState({ title: '', slug: '' });
	const [open, setOpen] = useState('');
	const f = useForm();
	const add = (e) => {
		e.preventDefault();
		f.run(async () => { await api('POST', `/api/v1/portals/${portal.id}/sub-portals`, { title: v.title, slug: v.slug || undefined }); setV({ title: '', slug: '' }); subs.reload(); });
	};
	async function del(s) {
		if (!(await confirmAction(`${t('del')} ${s.title}? ${t('areYouSure')}`, t('del')))) return;
		if (await f.run(async () => { await api('DELETE', '/api/v1/portals/' + s.id); return true; })) subs.reload();
	}
	const items = ((subs.data && subs.data.items) || []).filter((s) => s.parent_id === portal.id);
	return (
		<section aria-labelledby="sp-h">
			<h3 id="sp-h">{t('portalSubPortals')}</h3>
			{subs.loading ? <Loading /> : <>
				<FormError text={subs.error} />
				<ul class="members">
					{items.map((s) => (
						<li key={s.id}>
							<a href={'/portal/' + encodeURIComponent(s.slug)} target="_blank" rel="noopener">{s.title}</a>
							<span class="note">{pagePath(s.slug)}</span>
							<button type="button" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? '' : s.id)}>{t('edit')}</button>
							{!ro && <button type="button" class="danger" onClick={() => del(s)} aria-label={`${t('del')} ${s.title}`}>{t('del')}</button>}
							{open === s.id && <div style="flex-basis: 100%"><PortalForm sub portal={s} teams={teams} ro={ro} onSaved={subs.reload} /></div>}
						</li>
					))}
				</ul>
				{!items.length && <p>{t('none')}</p>}
			</>}
			{!ro && <form onSubmit={add} class="row" aria-label={t('portalAddSub')}>
				<Field label={t('portalTitleLabel')} value={v.title} onInput={(x) => setV({ ...v, title: x })} error={f.errors.title} required />
				<Field label={t('portalSlug')} value={v.slug} onInput={(x) => setV({ ...v, slug: x })} error={f.errors.slug} hint={t('portalSlugOptional')} />
				<button type="submit" disabled={f.busy}>{t('portalAddSub')}</button>
			</form>}
			<FormError text={f.formError} />
		</section>
	);
}

export function PortalPanel({ companyId, ro }) {
	const list = useLoad(() => get('/api/v1/portals' + qs({ company_id: companyId, limit: 100 })), [companyId]);
	const teams = useLoad(() => get('/api/v1/teams?limit=200'), []);
	const portal = list.data && list.data.items.find((p) => !p.parent_id);
	return (
		<section class="panel" aria-labelledby="pt-h">
			<h2 id="pt-h">{t('portal')}</h2>
			{list.loading && !list.data ? <Loading /> : <>
				<FormError text={list.error} />
				{portal && <>
					<p>{t('portalAddress')} <a href={'/portal/' + encodeURIComponent(portal.slug)} target="_blank" rel="noopener">{portalUrl(portal.slug)}</a>
						{' '}<span class="note">{portal.open ? t('portalOpenNow') : t('portalClosedNow')}</span></p>
					<PortalForm key={portal.updated_at} portal={portal} teams={teams.data} ro={ro} onSaved={list.reload} />
					<SubPortals portal={portal} teams={teams.data} ro={ro} />
				</>}
			</>}
		</section>
	);
}
