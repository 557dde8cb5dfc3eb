// The company's business hours, as its business_hours setting states them (weekday -> intervals
// in the company's time zone), for a portal that says support is closed.
import { t } from '../lib/i18n.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function BusinessHours({ hours }) {
	if (!hours || typeof hours !== 'object') return null;
	const week = hours.hours || hours;
	return (
		<table class="portal-hours">
			<caption>{hours.time_zone ? t('portalHoursIn', { zone: hours.time_zone }) : t('portalHours')}</caption>
			<tbody>
				{DAYS.map((d) => {
					const spans = Array.isArray(week[d]) ? week[d] : [];
					return (
						<tr key={d}>
							<th scope="row">{t('portalDay_' + d)}</th>
							<td>{spans.length ? spans.map((s) => s.open + '–' + s.close).join(', ') : t('portalDayClosed')}</td>
						</tr>
					);
				})}
			</tbody>
		</table>
	);
}
