// Manage rooms of a calendar integration: the provider's rooms (GET …/{provider}/rooms) with what
// the provider knows of each (name, e-mail, capacity, building and floor), its state, and its sync
// (last sync, the last failure with its remedy). An administrator links a provider room to a convene
// room, imports it as a new convene room, leaves it out, or unlinks it (PUT / DELETE …/rooms/{id});
// each refusal is shown under its row. "List the rooms again" connects again: new rooms appear, and
// those the provider no longer lists say so.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, Link, Loading, useLoad, confirmAction, errText } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import { intPath, roomsPath, pagePath } from './calendarSync.js';
import { StatusBadge, FailureText, useEvery, useKept } from './calendarSyncParts.jsx';

export function CalendarRooms({ conn, onChanged }) {
	const p = conn.provider;
	const l = useLoad(() => get(roomsPath(p)), [p]);
	const ours = useLoad(() => get('/api/v1/rooms'), [p]);
	const data = useKept(l.data);
	const items = (data && data.items) || [];
	useEvery(30000, l.reload); // each room's last sync and failure as the worker moves them
	const reload = () => { l.reload(); ours.reload(); onChanged(); };
	const taken = new Set(items.filter((r) => r.room_id).map((r) => r.room_id));
	const free = ((ours.data && ours.data.items) || []).filter((r) => !taken.has(r.id))
		.sort((a, b) => a.name.localeCompare(b.name));
	const provider = t('csProvider_' + p);
	// Connect again lists the rooms again (new ones appear; those gone at the provider say so)
	const [relist, setRelist] = useState({ busy: false, fail: null, error: '' });
	async function listAgain() {
		setRelist({ busy: true, fail: null, error: '' });
		try { await api('POST', intPath(p) + '/connect'); setRelist({ busy: false, fail: null, error: '' }); }
		catch (e) { setRelist({ busy: false, fail: e.body && e.body.error_code ? e.body : null, error: e.body && e.body.error_code ? '' : errText(e) }); }
		reload();
	}
	return (
		<section aria-labelledby="sr-h">
			<p><Link href={pagePath(p)}>← {t('csTitle')}: {provider}</Link></p>
			<h2 id="sr-h">{t('csRoomsTitle', { provider })}</h2>
			<p class="note">{t('csRoomsIntro')}</p>
			{conn.status !== 'connected' && <p class="banner-inline" role="note">{t('csRoomsNotConnected')}</p>}
			{conn.status !== 'not_configured' && <div class="row">
				<button type="button" onClick={listAgain} disabled={relist.busy}
					aria-describedby={relist.fail || relist.error ? 'sr-relist-err' : undefined}>{relist.busy ? t('csWorking') : t('csListAgain')}</button>
			</div>}
			<div aria-live="polite">{relist.busy && <p class="loading" role="status">{t('csConnectingLong')}</p>}</div>
			{relist.fail && <FailureText id="sr-relist-err" alert code={relist.fail.error_code} params={relist.fail.error_params} detail={relist.fail.detail} />}
			{relist.error && <div class="error" id="sr-relist-err" role="alert">{relist.error}</div>}
			{l.loading && !data ? <Loading /> : <>
				<FormError text={l.error || ours.error} />
				{items.length ? (
					<table class="sync-rooms">
						<caption class="sr">{t('csRoomsTitle', { provider })}</caption>
						<thead><tr>
							<th scope="col">{t('csRoom')}</th><th scope="col">{t('csCapacity')}</th><th scope="col">{t('csBuildingFloor')}</th>
							<th scope="col">{t('csState')}</th><th scope="col">{t('csConveneRoom')}</th><th scope="col">{t('csSync')}</th>
							<th scope="col"><span class="sr">{t('csActions')}</span></th>
						</tr></thead>
						<tbody>{items.map((r) => <RoomRow key={r.provider_room_id} p={p} r={r} free={free} onDone={reload} />)}</tbody>
					</table>) : data && <p>{t('csNoRooms')}</p>}
			</>}
		</section>
	);
}

function RoomRow({ p, r, free, onDone }) {
	const [pick, setPick] = useState('');
	const [busy, setBusy] = useState(false);
	const [err, setErr] = useState('');
	const [msg, setMsg] = useState('');
	const name = r.name || r.email || r.provider_room_id;
	const rid = String(r.provider_room_id).replace(/[^a-zA-Z0-9_-]/g, '_');
	const eid = 'sr-err-' + rid;
	async function run(fn, done) {
		setBusy(true); setErr(''); setMsg('');
		try { await fn(); setMsg(done); onDone(); } catch (e) { setErr(errText(e)); }
		setBusy(false);
	}
	const put = (body) => api('PUT', roomsPath(p, r.provider_room_id), body);
	const link = () => { if (!pick) { setErr(t('csPickRoom')); return; } run(() => put({ room_id: pick }), t('csLinkedMsg', { name })); };
	const unlink = async () => {
		if (!(await confirmAction(t('csUnlinkConfirm', { name, provider: t('csProvider_' + p) }), t('csUnlink')))) return;
		run(() => api('DELETE', roomsPath(p, r.provider_room_id)), t('csUnlinkedMsg', { name }));
	};
	// a left-out room is offered again (its state back to available)
	const include = () => run(() => api('DELETE', roomsPath(p, r.provider_room_id)), t('csIncludedMsg', { name }));
	const described = err ? eid : undefined;
	const where = [r.building, r.floor].filter(Boolean).join(' · ');
	return (
		<tr>
			<td>{name}{r.email && r.email !== name && <div class="note">{r.email}</div>}
				{r.gone && <div class="warn">{t('csGone')}</div>}</td>
			<td>{r.capacity || r.capacity === 0 ? r.capacity : ''}</td>
			<td>{where}</td>
			<td><StatusBadge status={r.state} prefix="csRoomState_" /></td>
			<td>
				{r.state === 'linked' && r.room_id
					? <Link href={'/rooms/' + encodeURIComponent(r.room_id)}>{r.room_name || r.room_id}</Link>
					: <div class="row">
						<select value={pick} onChange={(e) => setPick(e.currentTarget.value)} aria-label={t('csConveneRoomFor', { name })}
							aria-describedby={described} disabled={busy}>
							<option value="">{t('csChooseRoom')}</option>
							{free.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
						</select>
						<button type="button" class="small" onClick={link} disabled={busy}
							aria-label={t('csLinkNamed', { name })} aria-describedby={described}>{t('csLink')}</button>
					</div>}
			</td>
			<td>
				{r.last_sync_at ? t('csLastSync', { when: when(r.last_sync_at) }) : r.state === 'linked' ? <span class="note">{t('csNotSyncedYet')}</span> : ''}
				{(r.error_code || r.last_error) && <FailureText code={r.error_code} detail={r.last_error} />}
			</td>
			<td>
				<div class="row">
					{r.state !== 'linked' && <button type="button" class="small" onClick={() => run(() => put({ import: true }), t('csImportedMsg', { name }))}
						disabled={busy} aria-label={t('csImportNamed', { name })} aria-describedby={described}>{t('csImport')}</button>}
					{r.state === 'available' && <button type="button" class="small" onClick={() => run(() => put({ ignore: true }), t('csIgnoredMsg', { name }))}
						disabled={busy} aria-label={t('csIgnoreNamed', { name })} aria-describedby={described}>{t('csIgnore')}</button>}
					{r.state === 'ignored' && <button type="button" class="small" onClick={include}
						disabled={busy} aria-label={t('csIncludeNamed', { name })} aria-describedby={described}>{t('csInclude')}</button>}
					{r.state === 'linked' && <button type="button" class="small danger" onClick={unlink}
						disabled={busy} aria-label={t('csUnlinkNamed', { name })} aria-describedby={described}>{t('csUnlink')}</button>}
				</div>
				{busy && <span class="note" role="status">{t('csWorking')}</span>}
				{msg && !busy && <span class="ok" role="status">{msg}</span>}
				{err && <div class="error" id={eid} role="alert">{err}</div>}
			</td>
		</tr>
	);
}
