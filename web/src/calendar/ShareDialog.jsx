// The sharing dialog of one calendar (managers and owners): who has it and with which role
// (changed in place, or revoked), adding a share, and the public address.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, Loading, useLoad, confirmAction, errText } from '../lib/ui.jsx';
import { Dialog } from './Dialog.jsx';
import { ShareAdd } from './ShareAdd.jsx';
import { PublicFeed } from './PublicFeed.jsx';
import { SHARE_ROLES, calPath } from './model.js';

function ShareRow({ s, path, onChanged }) {
	const [err, setErr] = useState('');
	const [busy, setBusy] = useState(false);
	const name = s.grantee.name || s.grantee.email || s.grantee_id;
	const eid = 'share-err-' + s.id;
	async function act(fn) {
		setBusy(true); setErr('');
		try { await fn(); onChanged(); } catch (e) { setErr(errText(e)); } finally { setBusy(false); }
	}
	async function revoke() {
		if (!(await confirmAction(`${t('revoke')} ${name}? ${t('areYouSure')}`, t('revoke')))) return;
		act(() => api('DELETE', path + '/' + s.id));
	}
	return (
		<li>
			<span>{name} {s.grantee.email && s.grantee.email !== name && <span class="note">{s.grantee.email}</span>}
				<span class="note"> — {t('kind_' + s.kind)}{s.pending ? ', ' + t('pending') : ''}</span></span>
			<select aria-label={`${t('shareRole')}: ${name}`} value={s.role} disabled={busy} aria-describedby={err ? eid : undefined}
				onChange={(e) => { const role = e.currentTarget.value; act(() => api('PATCH', path + '/' + s.id, { role })); }}>
				{SHARE_ROLES.map((r) => <option key={r} value={r}>{t('role_' + r)}</option>)}
			</select>
			<button type="button" class="small" disabled={busy} onClick={revoke} aria-label={`${t('revoke')} ${name}`}>{t('revoke')}</button>
			{err && <div class="error member-error" id={eid} role="alert">{err}</div>}
		</li>
	);
}

export function ShareDialog({ cal, me, onClose }) {
	const path = calPath(cal.id) + '/shares';
	const shares = useLoad(() => get(path), [cal.id]);
	const items = (shares.data && shares.data.items) || [];
	return (
		<Dialog title={`${t('sharing')}: ${cal.name}`} onClose={onClose} wide>
			<section aria-labelledby="shares-h">
				<h3 id="shares-h">{t('sharedWith')}</h3>
				{shares.loading && !shares.data ? <Loading /> : <>
					<FormError text={shares.error} />
					{items.length ? <ul class="members" aria-label={t('sharedWith')}>
						{items.map((s) => <ShareRow key={s.id + s.role} s={s} path={path} onChanged={shares.reload} />)}
					</ul> : <p class="note">{t('noShares')}</p>}
				</>}
			</section>
			<ShareAdd cal={cal} me={me} exclude={items.map((s) => s.grantee_id)} onAdded={shares.reload} />
			<PublicFeed cal={cal} />
			<div class="row"><button type="button" onClick={onClose}>{t('close')}</button></div>
		</Dialog>
	);
}
