// Support reports (GET /api/v1/support/reports): a period (days of the account's time zone), a
// grouping (portal, team, technician, day) and a portal; the figures as a table with totals, a
// chart of sessions and missed chats drawn by uPlot (loaded with this page only, which itself
// loads only when opened), the same rows as CSV from the server, and, per portal, the reset of
// its figures for those allowed (the server says no to the others).
import { useState, useEffect, useRef } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Loading, useLoad, confirmAction, errText } from '../lib/ui.jsx';

const GROUPS = [['portal', 'reportByPortal'], ['team', 'reportByTeam'], ['technician', 'reportByTechnician'], ['day', 'reportByDay']];
const COLS = [['sessions', 'reportSessions'], ['missed', 'reportMissed'], ['offline_requests', 'reportOffline'],
	['answered_within_day', 'reportAnswered'], ['wait_p50_s', 'reportWaitP50', true], ['wait_p90_s', 'reportWaitP90', true],
	['handle_mean_s', 'reportHandleMean', true], ['handle_p50_s', 'reportHandleP50', true]];

function duration(s) {
	if (s === null || s === undefined) return '—';
	if (s < 60) return t('durSeconds', { s });
	if (s < 3600) return t('durMinutes', { m: Math.floor(s / 60), s: s % 60 });
	return t('durHours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}
const cell = (row, [k, , dur]) => (dur ? duration(row[k]) : row[k]);

// the chart: bars of sessions and missed chats per row; uPlot and its CSS come with the first chart
function Chart({ rows }) {
	const box = useRef(null);
	const [err, setErr] = useState('');
	useEffect(() => {
		let plot = null, live = true;
		Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => {
			if (!live || !box.current) return;
			const U = m.default;
			const bars = U.paths.bars({ size: [0.4, 40] });
			const x = rows.map((_, i) => i);
			const labels = rows.map((r) => r.name || t('reportNone'));
			const width = Math.max(320, Math.min(900, box.current.clientWidth || 640));
			plot = new U({
				width, height: 260,
				// one slot per row, the bars in its middle, and the row's name under it
				scales: { x: { time: false, range: () => [-0.5, rows.length - 0.5] } },
				axes: [{ splits: () => x, values: (u, ticks) => ticks.map((i) => labels[i] ?? '') }, {}],
				series: [{ label: t('reportName'), value: (u, i) => (i == null ? '' : labels[i] ?? '') }, { label: t('reportSessions'), stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.5)', paths: bars },
					{ label: t('reportMissed'), stroke: '#b3261e', fill: 'rgba(179,38,30,0.5)', paths: bars }],
			}, [x, rows.map((r) => r.sessions), rows.map((r) => r.missed)], box.current);
		}, (e) => live && setErr(errText(e)));
		return () => { live = false; if (plot) plot.destroy(); };
	}, [rows]);
	return (
		<figure class="report-chart">
			<figcaption id="rep-chart-cap">{t('reportChart')}</figcaption>
			<FormError text={err} />
			<div ref={box} role="img" aria-labelledby="rep-chart-cap" />
		</figure>
	);
}

export function SupportReports({ me }) {
	const empty = { group: 'portal', from: '', to: '', portal_id: '' };
	const [v, setV] = useState(empty);
	const [applied, setApplied] = useState(empty);
	const [note, setNote] = useState({ ok: '', error: '' });
	const portals = useLoad(() => get('/api/v1/portals?limit=100').then((d) => d.items).catch(() => []), []);
	const query = Object.fromEntries(Object.entries(applied).filter(([, x]) => x));
	const rep = useLoad(() => get('/api/v1/support/reports' + qs(query)), [JSON.stringify(query)]);
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const admin = me && me.user && me.user.role === 'admin';
	const uid = me && me.user && me.user.id;
	const mayReset = (id) => admin || ((portals.data || []).find((p) => p.id === id) || { manager_ids: [] }).manager_ids.includes(uid);
	const submit = (e) => { e.preventDefault(); setNote({ ok: '', error: '' }); setApplied(v); };
	async function reset(row) {
		if (!(await confirmAction(t('reportResetAsk', { name: row.name }), t('reportReset')))) return;
		try {
			await api('POST', `/api/v1/portals/${row.key}/reports/reset`);
			setNote({ ok: t('reportResetDone', { name: row.name }), error: '' });
			rep.reload();
		} catch (e) { setNote({ ok: '', error: errText(e) }); }
	}
	const d = rep.data;
	const csv = '/api/v1/support/reports' + qs({ ...query, format: 'csv' });
	return (
		<section aria-labelledby="rep-h" class="reports">
			<h1 id="rep-h">{t('supportReports')}</h1>
			<form class="filters" role="search" aria-label={t('reportFilters')} onSubmit={submit}>
				<Field label={t('fromDate')} type="date" value={v.from} onInput={set('from')} />
				<Field label={t('toDate')} type="date" value={v.to} onInput={set('to')} />
				<Field label={t('reportGroup')}>{(id) =>
					<select id={id} value={v.group} onChange={(e) => set('group')(e.currentTarget.value)}>
						{GROUPS.map(([g, k]) => <option key={g} value={g}>{t(k)}</option>)}
					</select>}
				</Field>
				<Field label={t('reportPortal')}>{(id) =>
					<select id={id} value={v.portal_id} onChange={(e) => set('portal_id')(e.currentTarget.value)}>
						<option value="">{t('reportAnyPortal')}</option>
						{(portals.data || []).map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}
					</select>}
				</Field>
				<button type="submit">{t('reportShow')}</button>
				<a class="report-csv" href={csv} download>{t('reportCsv')}</a>
			</form>
			<FormError text={note.error} />
			{note.ok && <p role="status" class="ok">{note.ok}</p>}
			{rep.loading ? <Loading /> : rep.error ? <FormError text={rep.error} /> : d && <>
				<p class="note">{t('reportPeriodZone', { from: d.from, to: d.to, zone: d.time_zone })}</p>
				{d.rows.length > 0 && <Chart rows={d.rows} />}
				<table class="report-table">
					<caption class="sr">{t('supportReports')}</caption>
					<thead><tr>
						<th scope="col">{t('reportName')}</th>
						{COLS.map(([k, label]) => <th key={k} scope="col">{t(label)}</th>)}
						{d.group === 'portal' && <th scope="col"><span class="sr">{t('reportReset')}</span></th>}
					</tr></thead>
					<tbody>{d.rows.map((r) => (
						<tr key={r.key || '-'}>
							<th scope="row">{r.name || t('reportNone')}</th>
							{COLS.map((c) => <td key={c[0]}>{cell(r, c)}</td>)}
							{d.group === 'portal' && <td>{mayReset(r.key) &&
								<button type="button" onClick={() => reset(r)} aria-label={`${t('reportReset')}: ${r.name}`}>{t('reportReset')}</button>}</td>}
						</tr>))}
					</tbody>
					<tfoot><tr>
						<th scope="row">{t('reportTotal')}</th>
						{COLS.map((c) => <td key={c[0]}>{cell(d.totals, c)}</td>)}
						{d.group === 'portal' && <td />}
					</tr></tfoot>
				</table>
				{!d.rows.length && <p>{t('none')}</p>}
			</>}
		</section>
	);
}
