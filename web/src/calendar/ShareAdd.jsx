// Adding a share: a role, then a user (found by search where the caller may list users, else
// typed as an e-mail address, which the server resolves to the account's user or invites as a
// guest), a team or company, or a guest by e-mail.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, UserPicker, useForm, useLoad } from '../lib/ui.jsx';
import { SHARE_ROLES, calPath } from './model.js';

const READERS = ['admin', 'manager', 'api_manager', 'technician'];

function EmailShare({ label, hint, onAdd }) {
	const [email, setEmail] = useState('');
	const [msg, setMsg] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => {
			const s = await onAdd({ email });
			setEmail('');
			// the mail's fate (GET /api/v1/mail-status's states): sent, or waiting for a mail server
			const mail = s.mail && s.mail.state;
			if (s.pending) setMsg(mail === 'held' ? t('invitationWaiting') : mail === 'failing' ? t('invitationFailing') : t('invitationSent'));
			else setMsg(t('added') + ': ' + (s.grantee.name || s.grantee.email));
		});
	};
	return (
		<form class="filters" onSubmit={submit}>
			<Field label={label} type="email" value={email} onInput={setEmail} error={f.errors.email || f.errors.user_id || f.errors.role} hint={hint} required />
			<button type="submit" disabled={f.busy}>{t('add')}</button>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
		</form>
	);
}

function GroupShare({ me, onAdd }) {
	const reader = READERS.includes(me.user.role);
	const groups = useLoad(async () => {
		if (!reader) return (me.user.company_ids || []).map((id, i) => ({ kind: 'company', id, name: `${t('myCompany')} ${i + 1}` }));
		const [tm, co] = await Promise.all([api('GET', '/api/v1/teams?limit=200'), api('GET', '/api/v1/companies?limit=200')]);
		return [...co.items.map((c) => ({ kind: 'company', id: c.id, name: c.name })), ...tm.items.map((x) => ({ kind: 'team', id: x.id, name: x.name }))];
	}, []);
	const [sel, setSel] = useState('');
	const [msg, setMsg] = useState('');
	const f = useForm();
	const items = groups.data || [];
	const cur = sel || (items[0] && items[0].id) || '';
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		const g = items.find((x) => x.id === cur);
		if (g) f.run(async () => { await onAdd({ group_id: g.id }); setMsg(t('added') + ': ' + g.name); });
	};
	return (
		<form class="filters" onSubmit={submit}>
			<Field label={t('teamOrCompany')} error={f.errors.group_id || groups.error}>{(id, d) =>
				<select id={id} aria-describedby={d} value={cur} onChange={(e) => setSel(e.currentTarget.value)}>
					{items.map((g) => <option key={g.id} value={g.id}>{g.name} ({t(g.kind === 'team' ? 'team' : 'company')})</option>)}
				</select>}
			</Field>
			<button type="submit" disabled={f.busy || !items.length}>{t('add')}</button>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
		</form>
	);
}

export function ShareAdd({ cal, me, exclude, onAdded }) {
	const [kind, setKind] = useState('user');
	const [role, setRole] = useState('viewer');
	const reader = READERS.includes(me.user.role);
	const add = async (body) => {
		const s = await api('POST', calPath(cal.id) + '/shares', { role, ...body });
		onAdded();
		return s;
	};
	return (
		<section class="panel" aria-labelledby="share-add-h">
			<h3 id="share-add-h">{t('addShare')}</h3>
			<div class="filters">
				<Field label={t('shareKind')}>{(id) =>
					<select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
						<option value="user">{t('shareUser')}</option>
						<option value="group">{t('teamOrCompany')}</option>
						<option value="guest">{t('shareGuest')}</option>
					</select>}
				</Field>
				<Field label={t('shareRole')}>{(id) =>
					<select id={id} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
						{SHARE_ROLES.map((r) => <option key={r} value={r}>{t('role_' + r)}</option>)}
					</select>}
				</Field>
			</div>
			{kind === 'user' && (reader
				? <UserPicker label={t('findUserShare')} exclude={[...exclude, me.user.id]} onAdd={(u) => add({ kind: 'user', user_id: u.id })} />
				: <EmailShare label={t('userEmail')} hint={t('userEmailHint')} onAdd={(b) => add({ kind: 'guest', ...b })} />)}
			{kind === 'group' && <GroupShare me={me} onAdd={(b) => add({ kind: 'group', ...b })} />}
			{kind === 'guest' && <EmailShare label={t('guestEmail')} hint={t('guestHint')} onAdd={(b) => add({ kind: 'guest', ...b })} />}
		</section>
	);
}
