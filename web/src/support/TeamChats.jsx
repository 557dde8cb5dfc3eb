// Team chats (/support, for managers and admins): the live chats of the companies one may see,
// refreshed while the view is open; a supervisor (supervisor_view over the chat's teams) opens
// one read-only beside the list and follows it live. The server decides who may watch: a chat
// one may not watch answers 404 and its pane says so.
import { useState, useEffect } from 'preact/hooks';
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError, Loading } from '../lib/ui.jsx';
import { ChatPane } from './ChatPane.jsx';
import './strings.js';

const REFRESH_MS = 15000;

function useLiveChats() {
	const [data, setData] = useState(null);
	const [error, setError] = useState('');
	useEffect(() => {
		let alive = true;
		const load = () => get('/api/v1/support/sessions?state=active&limit=100').then(
			(p) => { if (alive) { setData(p.items); setError(''); } }, (e) => alive && setError(errText(e)));
		load();
		const h = setInterval(load, REFRESH_MS);
		return () => { alive = false; clearInterval(h); };
	}, []);
	return { data, error };
}

export function TeamChats({ me }) {
	const live = useLiveChats();
	const [watched, setWatched] = useState([]);
	const toggle = (id) => setWatched((w) => (w.includes(id) ? w.filter((x) => x !== id) : [...w, id]));
	return (
		<div class="console-grid">
			<section aria-labelledby="tc-h" class="panel console-side">
				<h2 id="tc-h">{t('supTeamChats')}</h2>
				<FormError text={live.error} />
				{!live.data ? <Loading /> : live.data.length ? (
					<ul class="queue">
						{live.data.map((s) => (
							<li key={s.id}>
								<div><strong>{s.customer_name}</strong> <span class="note">{s.customer_email}</span></div>
								{s.question && <div class="queue-question">{s.question}</div>}
								<button type="button" aria-pressed={watched.includes(s.id)} onClick={() => toggle(s.id)}
									aria-label={t('supWatchWho', { name: s.customer_name })}>{t('supWatch')}</button>
							</li>
						))}
					</ul>
				) : <p>{t('supTeamChatsNone')}</p>}
			</section>
			<div class="console-chats" aria-label={t('supWatched')} role="region">
				{watched.map((id) => <ChatPane key={id} id={id} me={me} watch onClosed={() => toggle(id)} />)}
			</div>
		</div>
	);
}
