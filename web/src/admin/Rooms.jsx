// Rooms in the admin center: the list (search by name, filters by building, capacity and
// equipment) with creation, and a room's page: its fields and booking rules in one form (the API's
// error next to the field it names), deletion, its door displays (the URL shown once at creation,
// revoked per row) and the bookings waiting for approval (for its delegates and administrators).
// Administrators edit; everyone else who may see rooms reads (`ro`).
import { useState, useEffect } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, Check, useForm, useLoad, confirmAction, navigate, errText } from '../lib/ui.jsx';
import { when, userZone } from '../lib/time.js';
import { RulesEditor, DelegatesEditor, rulesState, rulesToSend } from './RoomRules.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';

const roomUrl = (id) => '/api/v1/rooms/' + encodeURIComponent(id);
const tagsText = (list) => (list || []).join(', ');
export const CATEGORIES = ['conference_room', 'other']; // a room's category, as Google Workspace names them
const tagsList = (text) => text.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);
const bookingTime = (iso) => (iso ? iso.replace('T', ' ').slice(0, 16) : ''); // a wall time of the room's zone

function useCompanies(enabled) {
	return useLoad(async () => {
		if (!enabled) return [];
		try { return (await get('/api/v1/companies?limit=200')).items; } catch { return []; } // names only
	}, [enabled]);
}

export function Rooms({ ro }) {
	const [q, setQ] = useState('');
	const [query, setQuery] = useState('');
	const [fl, setFl] = useState({ building: '', capacity: '', equipment: '', category: '' });
	const list = useLoad(() => get('/api/v1/rooms' + qs({ q: query })), [query]);
	useEffect(() => { const h = setTimeout(() => setQuery(q.trim()), 250); return () => clearTimeout(h); }, [q]);
	const items = (list.data && list.data.items) || [];
	const buildings = [...new Set(items.map((r) => r.building).filter(Boolean))].sort();
	const tags = [...new Set(items.flatMap((r) => r.equipment))].sort();
	const minCap = Number(fl.capacity) || 0;
	const hasCategory = items.some((r) => r.category !== undefined); // a server that knows categories
	const shown = items.filter((r) => (!fl.building || r.building === fl.building) && r.capacity >= minCap &&
		(!fl.equipment || r.equipment.includes(fl.equipment)) && (!fl.category || r.category === fl.category));
	const setF = (k) => (e) => setFl({ ...fl, [k]: e.currentTarget.value });
	return (
		<section aria-labelledby="rm-h">
			<h1 id="rm-h">{t('rooms')}</h1>
			<form role="search" class="filters" onSubmit={(e) => { e.preventDefault(); setQuery(q.trim()); }}>
				<Field label={t('search')} type="search" value={q} onInput={setQ} placeholder={t('roomName')} />
				<Field label={t('building')}>{(fid) =>
					<select id={fid} value={fl.building} onChange={setF('building')}>
						<option value="">{t('any')}</option>
						{buildings.map((b) => <option key={b} value={b}>{b}</option>)}
					</select>}
				</Field>
				<Field label={t('minCapacity')} type="number" min="0" value={fl.capacity} onInput={(x) => setFl({ ...fl, capacity: x })} />
				<Field label={t('equipment')}>{(fid) =>
					<select id={fid} value={fl.equipment} onChange={setF('equipment')}>
						<option value="">{t('any')}</option>
						{tags.map((x) => <option key={x} value={x}>{x}</option>)}
					</select>}
				</Field>
				{hasCategory && <Field label={t('roomCategory')}>{(fid) =>
					<select id={fid} value={fl.category} onChange={setF('category')}>
						<option value="">{t('anyCategory')}</option>
						{CATEGORIES.map((c) => <option key={c} value={c}>{t('category_' + c)}</option>)}
					</select>}
				</Field>}
			</form>
			{list.loading && !list.data ? <Loading /> : <>
				<FormError text={list.error} />
				<table aria-label={t('rooms')}>
					<thead><tr><th>{t('name')}</th><th>{t('building')}</th><th>{t('floor')}</th><th>{t('capacity')}</th><th>{t('equipment')}</th>{hasCategory && <th>{t('roomCategory')}</th>}</tr></thead>
					<tbody>{shown.map((r) => (
						<tr key={r.id}><td><Link href={'/rooms/' + r.id}>{r.name}</Link></td><td>{r.building}</td><td>{r.floor}</td>
							<td>{r.capacity}</td><td>{tagsText(r.equipment)}</td>{hasCategory && <td>{codeText('category_', r.category)}</td>}</tr>))}
					</tbody>
				</table>
				{!shown.length && <p>{items.length ? t('noRoomMatch') : t('none')}</p>}
			</>}
			{!ro && <NewRoom hasCategory={hasCategory} />}
		</section>
	);
}

function NewRoom({ hasCategory }) {
	const [v, setV] = useState({ name: '', capacity: '', building: '', floor: '', equipment: '', category: 'conference_room' });
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		const body = { name: v.name, building: v.building, floor: v.floor, equipment: tagsList(v.equipment) };
		if (v.capacity.trim()) body.capacity = Number(v.capacity);
		if (hasCategory) body.category = v.category;
		f.run(async () => { const r = await api('POST', '/api/v1/rooms', body); navigate('/rooms/' + r.id); });
	};
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="nr-h">
			<h2 id="nr-h">{t('newRoom')}</h2>
			<div class="grid">
				<Field label={t('name')} value={v.name} onInput={set('name')} error={f.errors.name} required />
				<Field label={t('capacity')} type="number" value={v.capacity} onInput={set('capacity')} error={f.errors.capacity} hint={t('people')} />
				<Field label={t('building')} value={v.building} onInput={set('building')} error={f.errors.building} />
				<Field label={t('floor')} value={v.floor} onInput={set('floor')} error={f.errors.floor} />
				<Field label={t('equipment')} value={v.equipment} onInput={set('equipment')} error={f.errors.equipment} hint={t('equipmentHint')} />
				{hasCategory && <CategoryField value={v.category} onChange={set('category')} error={f.errors.category} />}
			</div>
			<FormError text={f.formError} />
			<button type="submit" class="primary" disabled={f.busy}>{t('create')}</button>
		</form>
	);
}

function CategoryField({ value, onChange, error }) {
	return (
		<Field label={t('roomCategory')} error={error}>{(fid, d) =>
			<select id={fid} aria-describedby={d} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
				{CATEGORIES.map((c) => <option key={c} value={c}>{t('category_' + c)}</option>)}
			</select>}
		</Field>
	);
}

// the room and its delegates as user objects (a name that cannot be read shows as its id)
async function loadRoom(id, canReadUsers) {
	const room = await get(roomUrl(id));
	const delegates = await Promise.all(room.rules.delegate_ids.map(async (uid) => {
		if (!canReadUsers) return { id: uid };
		try { return await get('/api/v1/users/' + encodeURIComponent(uid)); } catch { return { id: uid }; }
	}));
	return { room, delegates };
}

export function RoomPage({ id, ro, me }) {
	const staff = me.user.role === 'admin' || me.user.role === 'technician';
	const r = useLoad(() => loadRoom(id, staff), [id]);
	const companies = useCompanies(staff);
	const [saved, setSaved] = useState(''); // updated_at of the room this page just saved
	if (r.loading && !r.data) return <Loading />;
	if (r.error) return <><FormError text={r.error} /><Link href="/rooms">{t('back')}</Link></>;
	const room = r.data.room;
	const mayDecide = me.user.role === 'admin' || room.rules.delegate_ids.includes(me.user.id);
	return (
		<section aria-labelledby="rp-h">
			<p><Link href="/rooms">← {t('rooms')}</Link></p>
			<h1 id="rp-h">{room.name}</h1>
			<RoomForm key={room.updated_at} room={room} delegates={r.data.delegates} ro={ro} saved={saved === room.updated_at}
				companies={companies.data || []} onSaved={(x) => { setSaved(x.updated_at); r.reload(); }} />
			{staff && <Displays room={room} ro={ro} />}
			{(mayDecide || (staff && room.rules.approval)) && <Approvals room={room} mayDecide={mayDecide} />}
		</section>
	);
}

function RoomForm({ room, delegates, ro, companies, saved, onSaved }) {
	const [v, setV] = useState(() => ({ name: room.name, capacity: String(room.capacity), building: room.building, floor: room.floor,
		description: room.description, equipment: tagsText(room.equipment), hide_subjects: room.hide_subjects, category: room.category }));
	const [rules, setRules] = useState(() => rulesState(room.rules, delegates));
	const [local, setLocal] = useState({});
	const [msg, setMsg] = useState(saved ? t('saved') : '');
	const set = (k) => (x) => { setV((o) => ({ ...o, [k]: x })); setMsg(''); };
	const f = useForm();
	const formId = 'room-form-' + room.id;
	const errors = { ...f.errors, ...local };
	const submit = (e) => {
		e.preventDefault(); setMsg(''); setLocal({});
		const x = rulesToSend(rules);
		if (x.error) { setLocal({ [x.field]: x.error, ...(x.day ? { opening_hours_day: x.day } : {}) }); return; }
		const body = { name: v.name, building: v.building, floor: v.floor, description: v.description,
			equipment: tagsList(v.equipment), hide_subjects: v.hide_subjects, rules: x.rules };
		if (room.category !== undefined) body.category = v.category;
		const cap = v.capacity.trim() === '' ? 0 : Number(v.capacity);
		body.capacity = Number.isFinite(cap) ? cap : v.capacity; // not a number: the server says so at the field
		f.run(async () => { const x2 = await api('PATCH', roomUrl(room.id), body); setMsg(t('saved')); onSaved(x2); });
	};
	async function del() {
		if (!(await confirmAction(`${t('del')} ${room.name}? ${t('deleteRoomWarn')}`, t('del')))) return;
		if (await f.run(async () => { await api('DELETE', roomUrl(room.id)); return true; })) navigate('/rooms');
	}
	// an error about a field this form does not show (e.g. an unknown rule) goes to the form
	const shownFields = ['category', 'name', 'capacity', 'building', 'floor', 'description', 'equipment', 'opening_hours', 'company_ids',
		'delegate_ids', 'approval', 'max_duration_minutes', 'min_notice_minutes', 'max_ahead_days', 'buffer_before_minutes',
		'buffer_after_minutes', 'max_conflicts', 'checkin_minutes'];
	const other = Object.entries(f.errors).filter(([k]) => !shownFields.includes(k)).map(([, x]) => x).join(' ');
	return (
		<div class="panel room-form">
			<form id={formId} onSubmit={submit} noValidate aria-label={t('room')}>
				<fieldset class="group" disabled={ro}>
					<legend>{t('room')}</legend>
					<div class="grid">
						<Field label={t('name')} value={v.name} onInput={set('name')} error={errors.name} required />
						<Field label={t('capacity')} type="number" value={v.capacity} onInput={set('capacity')} error={errors.capacity} hint={t('people')} />
						<Field label={t('building')} value={v.building} onInput={set('building')} error={errors.building} />
						<Field label={t('floor')} value={v.floor} onInput={set('floor')} error={errors.floor} />
						<Field label={t('equipment')} value={v.equipment} onInput={set('equipment')} error={errors.equipment} hint={t('equipmentHint')} />
						{room.category !== undefined && <CategoryField value={v.category} onChange={set('category')} error={errors.category} />}
						<Field label={t('roomEmail')} value={room.email} readOnly hint={t('roomEmailHint')} />
					</div>
					<Field label={t('description')} error={errors.description}>{(fid, d) =>
						<textarea id={fid} rows={3} value={v.description} onInput={(e) => set('description')(e.currentTarget.value)}
							aria-invalid={errors.description ? 'true' : undefined} aria-describedby={d} />}
					</Field>
					<Check label={t('hideSubjects')} checked={v.hide_subjects} disabled={ro} onChange={set('hide_subjects')} />
				</fieldset>
				<RulesEditor value={rules} onChange={(x) => { setRules(x); setMsg(''); }} errors={errors} ro={ro} companies={companies} />
			</form>
			<DelegatesEditor value={rules} onChange={(x) => { setRules(x); setMsg(''); }} error={errors.delegate_ids} ro={ro} />
			<FormError text={f.formError || other} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <div class="row">
				<button type="submit" form={formId} class="primary" disabled={f.busy}>{t('save')}</button>
				<span class="hint">{t('savedTogether')}</span>
				<button type="button" class="danger" onClick={del} disabled={f.busy}>{t('deleteRoom')}</button>
			</div>}
		</div>
	);
}

function DisplayUrl({ made, onDone }) {
	const [copied, setCopied] = useState(false);
	const url = made.url || `${location.origin}/display/${made.token}`;
	const copy = async () => {
		try { await navigator.clipboard.writeText(url); setCopied(true); }
		catch { getSelection().selectAllChildren(document.getElementById('display-url')); }
	};
	return (
		<div class="once" aria-labelledby="du-h">
			<h3 id="du-h">{t('displayAdded')}: {made.name}</h3>
			<p class="secret" id="display-url">{url}</p>
			<p role="alert"><strong>{t('displayUrlOnce')}</strong></p>
			<div class="row">
				<button type="button" onClick={copy}>{t('copy')}</button>
				{copied && <span role="status" class="ok">{t('copied')}</span>}
				<button type="button" onClick={onDone}>{t('done')}</button>
			</div>
		</div>
	);
}

function Displays({ room, ro }) {
	const base = roomUrl(room.id) + '/displays';
	const list = useLoad(() => get(base), [base]);
	const [name, setName] = useState('');
	const [made, setMade] = useState(null);
	const f = useForm();
	const [rowErr, setRowErr] = useState({ id: '', text: '' });
	const add = (e) => {
		e.preventDefault(); setMade(null);
		f.run(async () => { const d = await api('POST', base, name.trim() ? { name: name.trim() } : {}); setMade(d); setName(''); list.reload(); });
	};
	async function revoke(d) {
		if (!(await confirmAction(`${t('revoke')} ${d.name}? ${t('revokeDisplayWarn')}`, t('revoke')))) return;
		setRowErr({ id: '', text: '' });
		try { await api('DELETE', `${base}/${encodeURIComponent(d.id)}`); if (made && made.id === d.id) setMade(null); list.reload(); }
		catch (e) { setRowErr({ id: d.id, text: errText(e) }); }
	}
	const items = (list.data && list.data.items) || [];
	return (
		<section class="panel" aria-labelledby="dsp-h">
			<h2 id="dsp-h">{t('displays')}</h2>
			<p class="hint">{t('displaysHint')}</p>
			{list.loading && !list.data ? <Loading /> : <>
				<FormError text={list.error} />
				{items.length ? <table aria-label={t('displays')}>
					<thead><tr><th>{t('name')}</th><th>{t('created')} <span class="note">({userZone()})</span></th><th>{t('lastSeen')}</th>{!ro && <th><span class="sr">{t('actions')}</span></th>}</tr></thead>
					<tbody>{items.map((d) => (
						<tr key={d.id}><td>{d.name}</td><td>{when(d.created_at)}</td><td>{d.last_seen_at ? when(d.last_seen_at) : t('neverSeen')}</td>
							{!ro && <td>
								<button type="button" class="danger small" onClick={() => revoke(d)} aria-label={`${t('revoke')} ${d.name}`}
									aria-describedby={rowErr.id === d.id ? 'dsp-err-' + d.id : undefined}>{t('revoke')}</button>
								{rowErr.id === d.id && <div class="error" id={'dsp-err-' + d.id} role="alert">{rowErr.text}</div>}
							</td>}
						</tr>))}
					</tbody>
				</table> : <p>{t('noDisplays')}</p>}
			</>}
			{made && <DisplayUrl made={made} onDone={() => setMade(null)} />}
			{!ro && <form class="filters" onSubmit={add}>
				<Field label={t('displayName')} value={name} onInput={setName} error={f.errors.name} placeholder={t('displayNamePlaceholder')} />
				<button type="submit" disabled={f.busy}>{t('addDisplay')}</button>
			</form>}
			<FormError text={f.formError} />
		</section>
	);
}

const isoDay = (d) => d.toISOString().slice(0, 10);

// bookings per page of the approval list: the API pages a room's bookings, "Load more" reads on
const BOOKINGS_PAGE = 100;

// the pending bookings of the next 92 days (the API's window is at most 93), one row per event:
// a decision covers every occurrence the event books in the room. The window is fixed when the
// page opens (a URL that changed at each render would reload for ever).
function Approvals({ room, mayDecide }) {
	const base = roomUrl(room.id) + '/bookings';
	const [win] = useState(() => {
		const from = new Date();
		return { start: isoDay(from), end: isoDay(new Date(from.getTime() + 92 * 86400000)) };
	});
	const list = usePaged(base + qs({ ...win, limit: BOOKINGS_PAGE }), [base]);
	const [busy, setBusy] = useState('');
	const [err, setErr] = useState({ id: '', text: '' });
	const [done, setDone] = useState('');
	const groups = [];
	for (const b of list.items) {
		if (b.status !== 'pending') continue;
		const g = groups.find((x) => x.event_id === b.event_id);
		if (g) g.n++; else groups.push({ ...b, n: 1 });
	}
	async function decide(b, verb) {
		if (verb === 'decline' && !(await confirmAction(`${t('decline')} “${b.summary}”? ${t('declineWarn')}`, t('decline')))) return;
		setBusy(b.id); setErr({ id: '', text: '' }); setDone('');
		try {
			await api('POST', `${base}/${encodeURIComponent(b.id)}/${verb}`);
			setDone(`${verb === 'approve' ? t('approvedMsg') : t('declinedMsg')}: ${b.summary}`);
			list.reload();
		} catch (e) { setErr({ id: b.id, text: errText(e) }); } finally { setBusy(''); }
	}
	const tz = list.tzid;
	return (
		<section class="panel" aria-labelledby="ap-h">
			<h2 id="ap-h">{t('pendingApprovals')}</h2>
			<p class="hint">{t('pendingHint')}{tz ? ` (${tz})` : ''}</p>
			{done && <p role="status" class="ok">{done}</p>}
			{list.loading && !list.items.length ? <Loading /> : <>
				<FormError text={list.error} />
				{groups.length ? <table aria-label={t('pendingApprovals')}>
					<thead><tr><th>{t('summary')}</th><th>{t('organizer')}</th><th>{t('when')}</th>{mayDecide && <th><span class="sr">{t('actions')}</span></th>}</tr></thead>
					<tbody>{groups.map((b) => (
						<tr key={b.event_id}>
							<td>{b.summary}</td><td>{b.organizer || ''}</td>
							<td>{bookingTime(b.start)}–{b.end.slice(11, 16)}{b.n > 1 && <span class="note"> {t('andMore').replace('{n}', b.n - 1)}</span>}</td>
							{mayDecide && <td><div class="row">
								<button type="button" class="primary small" disabled={busy === b.id} onClick={() => decide(b, 'approve')}
									aria-label={`${t('approve')} ${b.summary}`}>{t('approve')}</button>
								<button type="button" class="danger small" disabled={busy === b.id} onClick={() => decide(b, 'decline')}
									aria-label={`${t('decline')} ${b.summary}`}>{t('decline')}</button>
							</div>
							{err.id === b.id && <div class="error" role="alert">{err.text}</div>}</td>}
						</tr>))}
					</tbody>
				</table> : <p>{list.cursor ? t('noPendingYet') : t('noPending')}</p>}
				<MoreButton p={list} />
			</>}
		</section>
	);
}
