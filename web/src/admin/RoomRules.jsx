// A room's booking rules as people think of them: durations with a unit (minutes, hours, days),
// opening hours per weekday (the business-hours editor of Settings.jsx), who may book (companies),
// approval with its delegates, the series conflict allowance and check-in. The API keeps minutes
// and days (src/calendar/rooms.c); rulesToSend converts, and each error is shown at its field.
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';
import { Field, Check, UserPicker, MemberList } from '../lib/ui.jsx';
import { HoursEditor, HoursView, hoursToSend, dayOf } from './HoursEditor.jsx';

const FACTOR = { min: 1, h: 60, d: 1440 };
const DEFAULT_HOURS = (() => {
	const d = [{ open: '08:00', close: '18:00' }];
	return { mon: d, tue: d, wed: d, thu: d, fri: d, sat: [], sun: [] };
})();

// the duration fields: API key, units offered, unit when the value is 0
const DURATIONS = [
	['max_duration_minutes', ['min', 'h'], 'h', 'maxDuration', 'zeroNoLimit'],
	['min_notice_minutes', ['min', 'h', 'd'], 'h', 'minNotice', 'zeroNone'],
	['buffer_before_minutes', ['min', 'h'], 'min', 'bufferBefore', null],
	['buffer_after_minutes', ['min', 'h'], 'min', 'bufferAfter', null],
];
const COUNTS = [
	['max_ahead_days', 'maxAhead', 'unit_days', null],
	['max_conflicts', 'maxConflicts', null, 'maxConflictsHint'],
	['checkin_minutes', 'checkin', 'unit_min', 'checkinHint'],
];

function withUnit(minutes, units, zeroUnit) {
	for (const u of [...units].reverse())
		if (minutes && minutes % FACTOR[u] === 0) return { v: String(minutes / FACTOR[u]), unit: u };
	return { v: String(minutes || 0), unit: minutes ? 'min' : zeroUnit };
}

// editable state from the API's room.rules (+ delegates as user objects, looked up by the page)
export function rulesState(rules, delegates) {
	const s = {
		opening: rules.opening_hours ? JSON.parse(JSON.stringify(rules.opening_hours)) : null,
		approval: !!rules.approval, delegates: delegates || [], companies: [...(rules.company_ids || [])],
		decline: rules.on_conflict === 'decline',
	};
	for (const [k, units, zero] of DURATIONS) s[k] = withUnit(rules[k], units, zero);
	for (const [k] of COUNTS) s[k] = String(rules[k]);
	return s;
}

function num(text) {
	const x = String(text).trim();
	if (!x) return 0;
	const n = Number(x.replace(',', '.'));
	return Number.isFinite(n) ? n : null;
}

// {rules} to send, or {field, error} (or {field: 'opening_hours', day, error}) to show first
export function rulesToSend(s) {
	const rules = {};
	for (const [k] of DURATIONS) {
		const n = num(s[k].v);
		if (n === null) return { field: k, error: t('notANumber') };
		rules[k] = Math.round(n * FACTOR[s[k].unit]);
	}
	for (const [k] of COUNTS) {
		const n = num(s[k]);
		if (n === null) return { field: k, error: t('notANumber') };
		rules[k] = n; // a fraction is the server's to refuse, with its message
	}
	if (s.opening) {
		const h = hoursToSend(s.opening);
		if (h.error) return { field: 'opening_hours', day: h.day, error: h.error };
		rules.opening_hours = h.value;
	} else rules.opening_hours = null;
	rules.approval = s.approval;
	rules.on_conflict = s.decline ? 'decline' : 'refuse';
	rules.delegate_ids = s.delegates.map((u) => u.id);
	rules.company_ids = s.companies;
	return { rules };
}

function DurationField({ label, hint, value, units, onChange, error }) {
	return (
		<Field label={label} error={error} hint={hint}>{(fid, d) => (
			<div class="row unit-input">
				<input id={fid} type="number" step="any" inputMode="decimal" value={value.v} size={6}
					onInput={(e) => onChange({ ...value, v: e.currentTarget.value })}
					aria-invalid={error ? 'true' : undefined} aria-describedby={d} />
				<select aria-label={`${t('unit')}: ${label}`} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.currentTarget.value })}>
					{units.map((u) => <option key={u} value={u}>{t('unit_' + u)}</option>)}
				</select>
			</div>)}
		</Field>
	);
}

function CountField({ label, unit, hint, value, onChange, error }) {
	return (
		<Field label={label} error={error} hint={hint}>{(fid, d) => (
			<div class="row unit-input">
				<input id={fid} type="number" step="any" inputMode="numeric" value={value} size={6}
					onInput={(e) => onChange(e.currentTarget.value)}
					aria-invalid={error ? 'true' : undefined} aria-describedby={d} />
				{unit && <span>{t(unit)}</span>}
			</div>)}
		</Field>
	);
}

function CompanyPicker({ chosen, companies, ro, onChange, error }) {
	const [pick, setPick] = useState('');
	const name = (id) => (companies.find((c) => c.id === id) || { name: id }).name;
	const rest = companies.filter((c) => !chosen.includes(c.id));
	const sel = pick && rest.some((c) => c.id === pick) ? pick : (rest[0] && rest[0].id) || '';
	return (
		<fieldset class={'group' + (error ? ' has-error' : '')}>
			<legend>{t('whoMayBook')}</legend>
			{chosen.length ? <MemberList items={chosen.map((id) => ({ id, display_name: name(id) }))} ro={ro}
				onRemove={async (c) => onChange(chosen.filter((x) => x !== c.id))}>{(c) => c.display_name}</MemberList>
				: <p class="note">{t('everyoneMayBook')}</p>}
			{!ro && rest.length > 0 && <div class="row">
				<select aria-label={t('companyToAdd')} value={sel} onChange={(e) => setPick(e.currentTarget.value)}>
					{rest.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
				</select>
				<button type="button" class="small" onClick={() => sel && onChange([...chosen, sel])}>{t('addCompany')}</button>
			</div>}
			{error && <div class="error" role="alert">{error}</div>}
		</fieldset>
	);
}

// the rules inside the room's form; `errors` are the API's by field (or local ones)
export function RulesEditor({ value: s, onChange, errors, ro, companies }) {
	const set = (k) => (x) => onChange({ ...s, [k]: x });
	const hoursErr = errors.opening_hours || '';
	const errDay = errors.opening_hours_day || dayOf(hoursErr);
	return (
		<fieldset class="group rules" disabled={ro}>
			<legend>{t('bookingRules')}</legend>
			<div class="grid">
				{DURATIONS.map(([k, units, , label, hint]) => (
					<DurationField key={k} label={t(label)} hint={hint && t(hint)} units={units} value={s[k]} onChange={set(k)} error={errors[k]} />))}
				{COUNTS.map(([k, label, unit, hint]) => (
					<CountField key={k} label={t(label)} unit={unit} hint={hint && t(hint)} value={s[k]} onChange={set(k)} error={errors[k]} />))}
			</div>
			<fieldset class={'group' + (hoursErr && !errDay ? ' has-error' : '')}>
				<legend>{t('openingHours')}</legend>
				{ro ? (s.opening ? <HoursView value={s.opening} /> : <p>{t('alwaysOpen')}</p>) : <>
					<Check label={t('alwaysOpen')} checked={!s.opening} onChange={(on) => set('opening')(on ? null : JSON.parse(JSON.stringify(DEFAULT_HOURS)))} />
					{s.opening && <HoursEditor name="room-hours" value={s.opening} onChange={set('opening')} errDay={errDay} error={hoursErr} />}
				</>}
				{hoursErr && !errDay && <div class="error" role="alert">{hoursErr}</div>}
			</fieldset>
			<CompanyPicker chosen={s.companies} companies={companies} ro={ro} onChange={set('companies')} error={errors.company_ids} />
			{ro ? <p>{t('needsApproval')}: {s.approval ? t('yes') : t('no')}</p>
				: <Check label={t('needsApproval')} checked={s.approval} onChange={set('approval')} note={t('needsApprovalHint')} />}
			{errors.approval && <div class="error" role="alert">{errors.approval}</div>}
			{ro ? <p>{t('declineConflicts')}: {s.decline ? t('yes') : t('no')}</p>
				: <Check label={t('declineConflicts')} checked={s.decline} onChange={set('decline')} note={t('declineConflictsHint')} />}
			{errors.on_conflict && <div class="error" role="alert">{errors.on_conflict}</div>}
		</fieldset>
	);
}

// the delegates, outside the room's <form> (the user search is a form of its own); saved with it
export function DelegatesEditor({ value: s, onChange, error, ro }) {
	const list = s.delegates;
	return (
		<fieldset class={'group delegates' + (error ? ' has-error' : '')}>
			<legend>{t('delegates')}</legend>
			<p class="hint">{s.approval ? t('delegatesHint') : t('delegatesOff')}</p>
			{list.length ? <MemberList items={list} ro={ro} onRemove={async (u) => onChange({ ...s, delegates: list.filter((x) => x.id !== u.id) })}>
				{(u) => <>{u.display_name || u.id}{u.email && <span class="note"> — {u.email}</span>}</>}
			</MemberList> : <p class="note">{t('noDelegates')}</p>}
			{!ro && <UserPicker label={t('findDelegate')} exclude={list.map((u) => u.id)}
				onAdd={async (u) => onChange({ ...s, delegates: [...list, u] })} />}
			{error && <div class="error" role="alert">{error}</div>}
		</fieldset>
	);
}
