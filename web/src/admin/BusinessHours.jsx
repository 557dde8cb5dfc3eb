// Business hours for managers (issue 17): the companies whose hours the manager may change (their
// teams serve one of the company's portals and enable manage_business_hours; the server says so
// in each setting's may_change), each with the admin center's editor (HoursEditor.jsx): Save is a
// PUT of the company's own hours, "Use the account's hours" a DELETE of them.
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, Loading, useLoad } from '../lib/ui.jsx';
import { HoursSetting } from './HoursEditor.jsx';

const MAX_PAGES = 5; /* of the companies list (200 each): a manager belongs to far fewer */
const AT_ONCE = 6; /* settings asked for at the same time */

const hoursOf = (s) => s.items.find((x) => x.name === 'business_hours');

// the companies the caller belongs to, then their business_hours where may_change
async function loadCompanies() {
	const companies = [];
	let cursor = null;
	for (let i = 0; i < MAX_PAGES; i++) {
		const p = await get('/api/v1/companies' + (cursor ? qs({ cursor }) : ''));
		companies.push(...p.items);
		if (!(cursor = p.next_cursor)) break;
	}
	const out = [];
	for (let i = 0; i < companies.length; i += AT_ONCE) {
		const part = companies.slice(i, i + AT_ONCE);
		const got = await Promise.all(part.map((c) => get(`/api/v1/companies/${c.id}/settings`)));
		got.forEach((s, j) => {
			const item = hoursOf(s);
			if (item && item.may_change) out.push({ company: part[j], item });
		});
	}
	return out;
}

function CompanyHours({ company }) {
	const base = `/api/v1/companies/${company.company.id}/settings`;
	// n remounts the editor with the server's value after each change; saved is what it then says
	const [st, setSt] = useState({ item: company.item, n: 0, saved: '' });
	const item = st.item;
	return (
		<HoursSetting key={st.n} item={item} saved={st.saved} confirm={false} idBase={'hours-' + company.company.id}
			legend={company.company.name}
			note={item.source === 'company' ? t('hoursOwn') : t('hoursAccount')}
			saveLabel={t('save')} removeLabel={t('useAccountHours')}
			onSave={async (value) => {
				const now = await api('PUT', `${base}/business_hours`, { value });
				setSt((s) => ({ item: { ...now, may_change: true }, n: s.n + 1, saved: t('saved') }));
			}}
			onRemove={async () => {
				await api('DELETE', `${base}/business_hours`);
				const now = hoursOf(await get(base));
				setSt((s) => ({ item: now, n: s.n + 1, saved: t('hoursNowAccount') }));
			}} />
	);
}

export function BusinessHours() {
	const s = useLoad(loadCompanies, []);
	let body;
	if (s.loading && !s.data) body = <Loading />;
	else if (s.error) body = <FormError text={s.error} />;
	else if (!s.data.length) body = <p class="empty" role="note">{t('hoursNone')}</p>;
	else body = <>
		<p class="hint">{t('hoursIntro')}</p>
		{s.data.map((c) => <CompanyHours key={c.company.id} company={c} />)}
	</>;
	return (
		<section aria-labelledby="hours-h">
			<h1 id="hours-h">{t('businessHours')}</h1>
			{body}
		</section>
	);
}
