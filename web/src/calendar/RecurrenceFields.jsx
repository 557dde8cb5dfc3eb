// The editor's recurrence part: none, daily, weekly (with weekdays), monthly or yearly, every N,
// ending never, after N occurrences or on a date. A rule the editor cannot show is kept as text.
import { t } from '../lib/i18n.js';
import { WEEKDAYS } from './rrule.js';

const DAY_KEYS = { MO: 'day_mon', TU: 'day_tue', WE: 'day_wed', TH: 'day_thu', FR: 'day_fri', SA: 'day_sat', SU: 'day_sun' };

export function RecurrenceFields({ r, onChange, error, disabled }) {
	const set = (k, x) => onChange({ ...r, [k]: x });
	const errId = 'rrule-err';
	const desc = error ? errId : undefined;
	const toggleDay = (d, on) => set('byday', on ? [...r.byday, d] : r.byday.filter((x) => x !== d));
	return (
		<fieldset class={'inner recurrence' + (error ? ' has-error' : '')} disabled={disabled}>
			<legend>{t('recurrence')}</legend>
			<div class="row">
				<label for="rec-freq">{t('repeat')}</label>
				<select id="rec-freq" value={r.freq} aria-describedby={desc} onChange={(e) => set('freq', e.currentTarget.value)}>
					<option value="">{t('repeatNone')}</option>
					<option value="DAILY">{t('daily')}</option>
					<option value="WEEKLY">{t('weekly')}</option>
					<option value="MONTHLY">{t('monthly')}</option>
					<option value="YEARLY">{t('yearly')}</option>
					{r.freq === 'CUSTOM' && <option value="CUSTOM">{t('customRule')}</option>}
				</select>
				{r.freq && r.freq !== 'CUSTOM' && <>
					<label for="rec-int">{t('every')}</label>
					<input id="rec-int" type="number" min="1" max="999" class="num" value={r.interval}
						onInput={(e) => set('interval', e.currentTarget.value)} aria-describedby={desc} />
					<span class="note">{t('unit_' + r.freq)}</span>
				</>}
			</div>
			{r.freq === 'CUSTOM' && <p class="note"><code>{r.custom}</code></p>}
			{r.freq === 'WEEKLY' && (
				<fieldset class="weekdays"><legend>{t('onDays')}</legend>
					{WEEKDAYS.map((d) => (
						<label class="check" key={d}>
							<input type="checkbox" checked={r.byday.includes(d)} onChange={(e) => toggleDay(d, e.currentTarget.checked)} />
							{t(DAY_KEYS[d])}
						</label>))}
				</fieldset>)}
			{r.freq && r.freq !== 'CUSTOM' && (
				<fieldset class="ends"><legend>{t('ends')}</legend>
					<label class="check"><input type="radio" name="rec-ends" checked={r.ends === 'never'} onChange={() => set('ends', 'never')} /> {t('never')}</label>
					<label class="check"><input type="radio" name="rec-ends" checked={r.ends === 'count'} onChange={() => set('ends', 'count')} /> {t('afterN')}</label>
					{r.ends === 'count' && <input type="number" min="1" max="9999" class="num" aria-label={t('occurrenceCount')}
						value={r.count} onInput={(e) => set('count', e.currentTarget.value)} />}
					<label class="check"><input type="radio" name="rec-ends" checked={r.ends === 'until'} onChange={() => set('ends', 'until')} /> {t('onDate')}</label>
					{r.ends === 'until' && <input type="date" aria-label={t('untilDate')} value={r.until} onInput={(e) => set('until', e.currentTarget.value)} />}
				</fieldset>)}
			{error && <div class="error" id={errId} role="alert">{error}</div>}
		</fieldset>
	);
}
