// A conference's page: the tabs Details (changed by those who may manage it, deleted by account
// admins after a confirmation), Administrators (listed, added from the account's users, removed),
// Schedule (its calendar, opened in the calendar page) and Zoom (ZoomTab.jsx). The tab is the
// path's third segment (/conferences/{id}/zoom), so a link or the OAuth callback lands on it.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, useForm, useLoad, confirmAction, navigate, UserPicker, MemberList } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import { ConferenceForm, dates } from './Conferences.jsx';
import { ZoomTab } from './ZoomTab.jsx';
import { ScheduleMeetings } from './ScheduleMeetings.jsx';
import './strings.js';

const TABS = ['details', 'admins', 'schedule', 'zoom'];
const TAB_LABEL = { details: 'confTabDetails', admins: 'confTabAdmins', schedule: 'confTabSchedule', zoom: 'confTabZoom' };
// roles that may list the account's users (GET /api/v1/users); others cannot search for one
const READERS = ['admin', 'manager', 'api_manager', 'technician'];

export const confPath = (id) => '/api/v1/conferences/' + encodeURIComponent(id);

export function ConferencePage({ id, tab: asked, me }) {
	const c = useLoad(() => get(confPath(id)), [id]);
	const tab = TABS.includes(asked) ? asked : 'details';
	const base = '/conferences/' + encodeURIComponent(id);
	const choose = (x) => navigate(x === 'details' ? base : base + '/' + x);
	const onKey = (e) => {
		const i = TABS.indexOf(tab);
		const n = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length
			: e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
		if (n < 0) return;
		e.preventDefault();
		choose(TABS[n]);
		const list = e.currentTarget.parentNode;
		setTimeout(() => { const b = list.children[n]; if (b) b.focus(); }, 0);
	};
	if (c.loading && !c.data) return <Loading />;
	if (c.error) return <><FormError text={c.error} /><p><Link href="/conferences">← {t('conferences')}</Link></p></>;
	const conf = c.data;
	return (
		<section aria-labelledby="cp-h">
			<p><Link href="/conferences">← {t('conferences')}</Link></p>
			<h1 id="cp-h">{conf.name}</h1>
			<p class="note">{dates(conf)} · {conf.time_zone}</p>
			<div class="tabs" role="tablist" aria-label={conf.name}>
				{TABS.map((x) => <button key={x} type="button" role="tab" id={'ctab-' + x} aria-controls="ctab-panel"
					aria-selected={tab === x ? 'true' : 'false'} tabIndex={tab === x ? 0 : -1} onKeyDown={onKey}
					onClick={() => choose(x)}>{t(TAB_LABEL[x])}</button>)}
			</div>
			<div role="tabpanel" id="ctab-panel" aria-labelledby={'ctab-' + tab}>
				{tab === 'details' && <Details conf={conf} me={me} onSaved={c.reload} />}
				{tab === 'admins' && <Admins conf={conf} me={me} />}
				{tab === 'schedule' && <Schedule conf={conf} />}
				{tab === 'zoom' && <ZoomTab conf={conf} />}
			</div>
		</section>
	);
}

function Details({ conf, me, onSaved }) {
	const f = useForm();
	async function del() {
		if (!(await confirmAction(t('confDeleteConfirm', { name: conf.name }), t('del')))) return;
		if (await f.run(async () => { await api('DELETE', confPath(conf.id)); return true; })) navigate('/conferences');
	}
	return (
		<section class="panel" aria-labelledby="cd-h">
			<h2 id="cd-h">{t('confTabDetails')}</h2>
			{conf.can_manage ? <ConferenceForm key={conf.updated_at} conf={conf} onSaved={onSaved} /> : (
				<dl>
					<dt>{t('description')}</dt><dd>{conf.description || t('none')}</dd>
					<dt>{t('confDates')}</dt><dd>{dates(conf)}</dd>
					<dt>{t('timeZone')}</dt><dd>{conf.time_zone}</dd>
				</dl>)}
			{me.user.role === 'admin' && <>
				<FormError text={f.formError} />
				<div class="row">
					<button type="button" class="danger" onClick={del} disabled={f.busy}>{t('confDelete')}</button>
				</div>
			</>}
		</section>
	);
}

// Who may not list the account's users names a colleague by e-mail address (POST …/admins),
// as when sharing a calendar; the server looks it up in the account only.
function AdminByEmail({ conf, onAdded }) {
	const [email, setEmail] = useState('');
	const [msg, setMsg] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => {
			const a = await api('POST', confPath(conf.id) + '/admins', { email });
			setEmail('');
			setMsg(t('added') + ': ' + (a.display_name || a.email));
			onAdded();
		});
	};
	return (
		<form class="filters" onSubmit={submit}>
			<Field label={t('confAddAdminEmail')} type="email" value={email} onInput={setEmail}
				error={f.errors.email} hint={t('confAddAdminEmailHint')} required />
			<button type="submit" disabled={f.busy}>{t('add')}</button>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
		</form>
	);
}

function Admins({ conf, me }) {
	const l = useLoad(() => get(confPath(conf.id) + '/admins'), [conf.id]);
	const items = ((l.data && l.data.items) || []).map((a) => ({ ...a, id: a.user_id }));
	const url = (uid) => confPath(conf.id) + '/admins/' + encodeURIComponent(uid);
	const ro = !conf.can_manage;
	return (
		<section class="panel" aria-labelledby="ca-h">
			<h2 id="ca-h">{t('confTabAdmins')}</h2>
			<p class="note">{t('confAdminsHint')}</p>
			{l.loading && !l.data ? <Loading /> : <>
				<FormError text={l.error} />
				{items.length ? (
					<MemberList items={items} ro={ro} onRemove={async (u) => { await api('DELETE', url(u.id)); l.reload(); }}>
						{(u) => <>{u.display_name} — {u.email} <span class="note">({t('confAdminSince', { when: when(u.added_at).slice(0, 10) })})</span></>}
					</MemberList>) : <p>{t('confNoAdmins')}</p>}
			</>}
			{!ro && (READERS.includes(me.user.role)
				? <UserPicker label={t('confAddAdmin')} exclude={items.map((u) => u.id)}
					accept={(u) => u.role !== 'guest' && u.role !== 'customer'}
					onAdd={async (u) => { await api('PUT', url(u.id)); l.reload(); }} />
				: <AdminByEmail conf={conf} onAdded={() => l.reload()} />)}
		</section>
	);
}

function Schedule({ conf }) {
	const href = '/calendar?calendar=' + encodeURIComponent(conf.calendar_id);
	return (<>
		<section class="panel" aria-labelledby="cs-h">
			<h2 id="cs-h">{t('confTabSchedule')}</h2>
			<p>{t('confScheduleText', { zone: conf.time_zone })}</p>
			<p><Link href={href}>{t('confOpenSchedule')}</Link></p>
		</section>
		{conf.can_manage && <ScheduleMeetings conf={conf} />}
	</>);
}
