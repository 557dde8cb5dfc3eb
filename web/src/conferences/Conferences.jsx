// Conferences: the list of those the user administers (every conference of the account for an
// account admin) with their dates and time zone, and, for account admins, "New conference". The
// form is shared with the conference page's Details tab; the API's field errors show next to
// their fields.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, useForm, navigate } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { timeZones } from '../lib/tz.js';
import { userZone } from '../lib/time.js';
import './strings.js';

export function Conferences({ me }) {
	const isAdmin = me.user.role === 'admin';
	const p = usePaged('/api/v1/conferences', []);
	const [adding, setAdding] = useState(false);
	return (
		<section aria-labelledby="cf-h">
			<h1 id="cf-h">{t('conferences')}</h1>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				{p.items.length ? (
					<table>
						<thead><tr><th>{t('name')}</th><th>{t('confDates')}</th><th>{t('timeZone')}</th></tr></thead>
						<tbody>{p.items.map((c) => (
							<tr key={c.id}>
								<td><Link href={'/conferences/' + encodeURIComponent(c.id)}>{c.name}</Link></td>
								<td>{dates(c)}</td>
								<td>{c.time_zone}</td>
							</tr>))}
						</tbody>
					</table>
				) : <p>{isAdmin ? t('noConferencesAdmin') : t('noConferences')}</p>}
				<MoreButton p={p} />
			</>}
			{isAdmin && (adding
				? <section class="panel" aria-labelledby="cf-new-h">
					<h2 id="cf-new-h">{t('newConference')}</h2>
					<ConferenceForm onCancel={() => setAdding(false)}
						onSaved={(c) => navigate('/conferences/' + encodeURIComponent(c.id))} />
				</section>
				: <button type="button" class="primary" onClick={() => setAdding(true)}>{t('newConference')}</button>)}
		</section>
	);
}

// "2027-03-01 – 2027-03-04", or the one day
export const dates = (c) => (c.starts_on === c.ends_on ? c.starts_on : `${c.starts_on} – ${c.ends_on}`);

// creates (no `conf`) or changes a conference; onSaved gets the API's answer
export function ConferenceForm({ conf, onSaved, onCancel }) {
	const [v, setV] = useState(() => (conf
		? { name: conf.name, description: conf.description || '', starts_on: conf.starts_on, ends_on: conf.ends_on, time_zone: conf.time_zone }
		: { name: '', description: '', starts_on: '', ends_on: '', time_zone: userZone() }));
	const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
	const f = useForm();
	const [saved, setSaved] = useState(false);
	const submit = (e) => {
		e.preventDefault(); setSaved(false);
		f.run(async () => {
			const x = conf ? await api('PATCH', '/api/v1/conferences/' + encodeURIComponent(conf.id), v)
				: await api('POST', '/api/v1/conferences', v);
			if (conf) setSaved(true);
			onSaved(x);
		});
	};
	return (
		<form onSubmit={submit} aria-busy={f.busy ? 'true' : undefined}>
			<Field label={t('name')} value={v.name} onInput={set('name')} error={f.errors.name} required maxLength={200} />
			<Field label={t('description')} error={f.errors.description}>{(id, d) =>
				<textarea id={id} aria-describedby={d} aria-invalid={f.errors.description ? 'true' : undefined} rows="3" maxLength={4000}
					value={v.description} onInput={(e) => set('description')(e.currentTarget.value)} />}
			</Field>
			<div class="grid">
				<Field label={t('confStartsOn')} type="date" value={v.starts_on} onInput={set('starts_on')} error={f.errors.starts_on} required />
				<Field label={t('confEndsOn')} type="date" value={v.ends_on} onInput={set('ends_on')} error={f.errors.ends_on} required />
				<Field label={t('timeZone')} error={f.errors.time_zone}>{(id, d) =>
					<select id={id} aria-describedby={d} aria-invalid={f.errors.time_zone ? 'true' : undefined} value={v.time_zone}
						onChange={(e) => set('time_zone')(e.currentTarget.value)}>
						{timeZones([v.time_zone]).map((z) => <option key={z} value={z}>{z}</option>)}
					</select>}
				</Field>
			</div>
			<FormError text={f.formError} />
			{saved && !f.busy && <p role="status" class="ok">{t('saved')}</p>}
			<div class="row">
				<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('saving') : conf ? t('save') : t('create')}</button>
				{onCancel && <button type="button" onClick={onCancel}>{t('cancel')}</button>}
			</div>
		</form>
	);
}
