// The public address of a calendar: anyone who has it can read the calendar (busy blocks or
// public details), so publishing asks first, and the address is shown once, when it is made or
// rotated (the server keeps only its hash).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Loading, useForm, useLoad, confirmAction } from '../lib/ui.jsx';
import { calPath } from './model.js';

function OnceUrl({ url }) {
	const [copied, setCopied] = useState(false);
	return (
		<div class="once" role="status">
			<p>{t('feedUrlOnce')}</p>
			<p class="secret" id="feed-url">{url}</p>
			<button type="button" class="small" onClick={async () => { try { await navigator.clipboard.writeText(url); setCopied(true); } catch { /* select it by hand */ } }}>
				{copied ? t('copied') : t('copy')}</button>
		</div>
	);
}

export function PublicFeed({ cal }) {
	const path = calPath(cal.id) + '/public-feed';
	const feed = useLoad(async () => {
		try { return await api('GET', path); } catch (e) { if (e instanceof ApiError && e.status === 404) return null; throw e; }
	}, [cal.id]);
	const [detail, setDetail] = useState('busy');
	const [url, setUrl] = useState('');
	const f = useForm();
	if (feed.loading) return <Loading />;
	const has = !!feed.data;
	async function publish() {
		if (!(await confirmAction(t('publicWarn'), t('publish')))) return;
		f.run(async () => { const r = await api('PUT', path, { detail }); setUrl(r.url || ''); feed.reload(); });
	}
	async function rotate() {
		if (!(await confirmAction(t('rotateWarn'), t('rotate')))) return;
		f.run(async () => { const r = await api('POST', path + '/rotate'); setUrl(r.url || ''); feed.reload(); });
	}
	async function stop() {
		if (!(await confirmAction(t('unpublishWarn'), t('unpublish')))) return;
		f.run(async () => { await api('DELETE', path); setUrl(''); feed.reload(); });
	}
	const changeDetail = (d) => f.run(async () => { await api('PUT', path, { detail: d }); feed.reload(); });
	return (
		<section class="panel" aria-labelledby="pub-h">
			<h3 id="pub-h">{t('publicFeed')}</h3>
			<p class="warn" role="note">{t('publicWarn')}</p>
			<FormError text={feed.error} />
			<Field label={t('publicDetail')} error={f.errors.detail}>{(id, d) =>
				<select id={id} aria-describedby={d} value={has ? feed.data.detail : detail}
					onChange={(e) => has ? changeDetail(e.currentTarget.value) : setDetail(e.currentTarget.value)}>
					<option value="busy">{t('detailBusy')}</option>
					<option value="full">{t('detailFull')}</option>
				</select>}
			</Field>
			{has && <p class="note">{t('published')} {feed.data.created_at.slice(0, 10)} — {t('fetches')}: {feed.data.fetch_count}</p>}
			{url && <OnceUrl url={url} />}
			<FormError text={f.formError} />
			<div class="row">
				{!has && <button type="button" onClick={publish} disabled={f.busy}>{t('publish')}</button>}
				{has && <button type="button" onClick={rotate} disabled={f.busy}>{t('rotate')}</button>}
				{has && <button type="button" class="danger" onClick={stop} disabled={f.busy}>{t('unpublish')}</button>}
			</div>
		</section>
	);
}
