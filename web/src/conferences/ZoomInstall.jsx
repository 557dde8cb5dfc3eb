// The end of an install started from the Zoom Marketplace (/zoom/install?token=…): the Zoom account
// that was authorized (GET /api/v1/zoom/installs/{token}), the conferences the signed-in user
// administers to attach it to (checkboxes) and the connection's name; on success, the first
// chosen conference's Zoom tab. The shell has already sent someone signed out to the sign-in page,
// which comes back here.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Check, Field, FormError, Loading, useForm, useLoad, navigate } from '../lib/ui.jsx';
import { dates } from './Conferences.jsx';
import './strings.js';

export function ZoomInstall({ token }) {
	const path = '/api/v1/zoom/installs/' + encodeURIComponent(token || '');
	const inst = useLoad(() => (token ? get(path) : Promise.reject(new Error(t('zoomInstallNoToken')))), [token]);
	const confs = useLoad(() => get('/api/v1/conferences?limit=200'), []);
	const [chosen, setChosen] = useState([]);
	const [name, setName] = useState(null); // null: the default name, until typed
	const f = useForm();
	if ((inst.loading && !inst.data) || (confs.loading && !confs.data)) return <Loading />;
	const acc = inst.data && (inst.data.account || inst.data);
	const mine = ((confs.data && confs.data.items) || []).filter((c) => c.can_manage !== false);
	const shownName = name !== null ? name : (acc && acc.display_name ? t('zoomDefaultName', { name: acc.display_name }) : '');
	const toggle = (id, on) => setChosen((x) => (on ? [...x, id] : x.filter((y) => y !== id)));
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => {
			await api('POST', path, { conference_ids: chosen, name: shownName });
			navigate('/conferences/' + encodeURIComponent(chosen[0]) + '/zoom');
		});
	};
	return (
		<section aria-labelledby="zi-h">
			<h1 id="zi-h">{t('zoomInstallTitle')}</h1>
			<FormError text={inst.error || confs.error} />
			{acc && <>
				<p>{t('zoomInstallText')}</p>
				<dl class="pairs panel">
					<dt>{t('name')}</dt><dd>{acc.display_name}</dd>
					<dt>{t('email')}</dt><dd>{acc.email}</dd>
				</dl>
				{mine.length ? (
					<form onSubmit={submit} aria-busy={f.busy ? 'true' : undefined}>
						<fieldset class="group" aria-describedby={f.errors.conference_ids ? 'zi-c-err' : undefined}>
							<legend>{t('zoomInstallChoose')}</legend>
							{mine.map((c) => <Check key={c.id} label={c.name} note={dates(c)} checked={chosen.includes(c.id)} onChange={(on) => toggle(c.id, on)} />)}
							{f.errors.conference_ids && <div class="error" id="zi-c-err" role="alert">{f.errors.conference_ids}</div>}
						</fieldset>
						<Field label={t('zoomConnectionName')} value={shownName} onInput={setName} error={f.errors.name} required maxLength={200} />
						<FormError text={f.formError} />
						<button type="submit" class="primary" disabled={f.busy || !chosen.length}>{f.busy ? t('saving') : t('zoomInstallAttach')}</button>
					</form>) : <p>{t('zoomInstallNoConferences')}</p>}
			</>}
		</section>
	);
}
