// The console's Team panel (managers and admins): the technicians of one's teams with their
// presence, load and limit; logging one out and changing the limit are shown only where the
// server says the caller holds the right (may_log_out, may_set_limit).
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError, Loading, useLoad } from '../lib/ui.jsx';
import './strings.js';

function Row({ tech, onChanged }) {
	const p = tech.presence || {};
	const [limit, setLimit] = useState(String(p.max_sessions || 3));
	const [err, setErr] = useState('');
	const act = async (fn) => { setErr(''); try { await fn(); onChanged(); } catch (e) { setErr(errText(e)); } };
	return (
		<li>
			<strong>{tech.name}</strong> <span class="note">{tech.email}</span>
			<div class="row">
				<span>{t('supState_' + (p.effective || p.state || 'offline'))} · {t('supTeamLoad', { n: p.active_sessions || 0, max: p.max_sessions || 0 })}</span>
				{tech.may_log_out && p.state !== 'offline' && (
					<button type="button" onClick={() => act(() => api('POST', `/api/v1/support/technicians/${tech.id}/log-out`))}
						aria-label={t('supTeamLogOutWho', { name: tech.name })}>{t('supTeamLogOut')}</button>
				)}
				{tech.may_set_limit && (
					<form class="row" onSubmit={(e) => { e.preventDefault(); act(() => api('PUT', `/api/v1/support/technicians/${tech.id}/limit`, { max_sessions: Number(limit) })); }}>
						<label>{t('supTeamLimit')} <input type="number" min="1" max="20" value={limit} onInput={(e) => setLimit(e.target.value)} /></label>
						<button type="submit">{t('supTeamSetLimit')}</button>
					</form>
				)}
			</div>
			<FormError text={err} />
		</li>
	);
}

export function Team() {
	const list = useLoad(() => get('/api/v1/support/technicians'), []);
	return (
		<section aria-labelledby="team-h" class="panel">
			<h2 id="team-h">{t('supTeam')}</h2>
			<FormError text={list.error} />
			{list.loading && !list.data ? <Loading /> : list.data && (list.data.items.length
				? <ul class="queue">{list.data.items.map((x) => <Row key={x.id} tech={x} onChanged={list.reload} />)}</ul>
				: <p>{t('supTeamNone')}</p>)}
		</section>
	);
}
