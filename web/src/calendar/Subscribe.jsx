// For guests, on the calendar page: the private ICS address of each calendar shared with them
// (GET /feeds/calendars/{id}.ics, src/calendar/feeds.c), to subscribe to in a calendar app that
// signs in with HTTP Basic: the login is their e-mail address, the password their convene one.
// The address holds no secret, so it is shown always (unlike the public one, PublicFeed.jsx).
import { useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';

export const privateFeedUrl = (id) => location.origin + '/feeds/calendars/' + encodeURIComponent(id) + '.ics';

function FeedRow({ cal }) {
	const url = privateFeedUrl(cal.id);
	const ref = useRef();
	const [copied, setCopied] = useState(false);
	async function copy() {
		try { await navigator.clipboard.writeText(url); setCopied(true); return; } catch { /* no clipboard API here */ }
		// selected, so that Ctrl+C copies it at worst
		const sel = getSelection(), range = document.createRange();
		range.selectNodeContents(ref.current);
		sel.removeAllRanges(); sel.addRange(range);
		try { setCopied(document.execCommand('copy')); } catch { /* left selected */ }
	}
	return (
		<li class="feed-row">
			<span class="cal-name">{cal.name}</span>
			<code class="secret feed-url" ref={ref} aria-label={`${t('subscribeUrl')}: ${cal.name}`}>{url}</code>
			<button type="button" class="small" onClick={copy} aria-label={`${t('copy')}: ${cal.name}`}>
				{copied ? t('copied') : t('copy')}</button>
		</li>
	);
}

export function Subscribe({ cals, email }) {
	if (!cals.length) return null;
	return (
		<section class="panel subscribe" aria-labelledby="sub-h">
			<h2 id="sub-h">{t('subscribeTitle')}</h2>
			<p>{t('subscribeHow')}</p>
			<ul class="feed-list">{cals.map((c) => <FeedRow key={c.id} cal={c} />)}</ul>
			<dl class="subscribe-login">
				<dt>{t('subscribeLogin')}</dt><dd><code>{email}</code></dd>
				<dt>{t('password')}</dt><dd>{t('subscribePassword')}</dd>
			</dl>
		</section>
	);
}

// a guest reads on the web whatever their role: editor and manager shares act as viewer here
// (the private feed still follows the share's role)
export function readOnlyCalendars(items) {
	return items.map((c) => (['editor', 'manager'].includes(c.role) ? { ...c, role: 'viewer' } : c));
}
