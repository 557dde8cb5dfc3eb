// Create, rename, recolour or delete a calendar (owners and managers; only owners delete, and a
// default calendar stays). The API's field errors are shown next to their field.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, useForm, confirmAction } from '../lib/ui.jsx';
import { Dialog } from './Dialog.jsx';
import { calPath } from './model.js';
import { timeZones } from '../lib/tz.js';

export function CalendarForm({ cal, defaultTz, onClose, onSaved }) {
	const [v, setV] = useState(cal ? { name: cal.name, colour: cal.colour, time_zone: cal.time_zone, description: cal.description || '' }
		: { name: '', colour: '#0f766e', time_zone: defaultTz, description: '' });
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => {
			const saved = cal ? await api('PATCH', calPath(cal.id), v) : await api('POST', '/api/v1/calendars', v);
			onSaved(saved);
		});
	};
	async function del() {
		if (!(await confirmAction(t('del') + ' ' + cal.name + '? ' + t('deleteCalendarWarn'), t('del')))) return;
		f.run(async () => { await api('DELETE', calPath(cal.id)); onSaved(null); });
	}
	return (
		<Dialog title={cal ? t('editCalendar') : t('newCalendar')} onClose={onClose}>
			<form onSubmit={submit}>
				<Field label={t('name')} value={v.name} onInput={set('name')} error={f.errors.name} required />
				<Field label={t('colour')} type="color" value={v.colour} onInput={set('colour')} error={f.errors.colour} />
				<Field label={t('timeZone')} error={f.errors.time_zone}>{(id, d) =>
					<select id={id} aria-describedby={d} value={v.time_zone} onChange={(e) => set('time_zone')(e.currentTarget.value)}>
						{timeZones([v.time_zone]).map((z) => <option key={z} value={z}>{z}</option>)}
					</select>}
				</Field>
				<Field label={t('description')} error={f.errors.description}>{(id, d) =>
					<textarea id={id} aria-describedby={d} rows="2" value={v.description} onInput={(e) => set('description')(e.currentTarget.value)} />}
				</Field>
				<FormError text={f.formError} />
				<div class="row">
					<button type="submit" class="primary" disabled={f.busy}>{cal ? t('save') : t('create')}</button>
					<button type="button" onClick={onClose}>{t('cancel')}</button>
					{cal && cal.role === 'owner' && !cal.is_default && !cal.room_id &&
						<button type="button" class="danger" onClick={del} disabled={f.busy}>{t('del')}</button>}
				</div>
			</form>
		</Dialog>
	);
}
