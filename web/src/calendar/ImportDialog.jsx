// Import an .ics file into a calendar (POST …/import as text/calendar). The server checks the
// whole file first: the answer counts created/updated/unchanged/skipped events, or names the
// line of the first error, and then nothing was imported. Nobody is mailed unless the box asks to
// invite the attendees of the imported meetings (?notify=true).
import { useState } from 'preact/hooks';
import { apiRaw } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, useForm } from '../lib/ui.jsx';
import { Dialog } from './Dialog.jsx';
import { calPath } from './model.js';

export function ImportDialog({ cal, onClose, onDone }) {
	const [file, setFile] = useState(null);
	const [res, setRes] = useState(null);
	const [err, setErr] = useState('');
	const [notify, setNotify] = useState(false);
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		setRes(null); setErr('');
		if (!file) { setErr(t('chooseFile')); return; }
		f.run(async () => {
			try {
				const text = await file.text();
				const r = await apiRaw('POST', calPath(cal.id) + '/import' + (notify ? '?notify=true' : ''), text, 'text/calendar');
				setRes(r); onDone(cal.id);
			} catch (x) {
				if (x.body && x.body.line) setErr(`${t('line')} ${x.body.line}: ${x.detail}`);
				else throw x;
			}
		});
	};
	return (
		<Dialog title={`${t('import')}: ${cal.name}`} onClose={onClose}>
			<form onSubmit={submit}>
				<div class={'field' + (err ? ' has-error' : '')}>
					<label for="ics-file">{t('icsFile')}</label>
					<input id="ics-file" type="file" accept=".ics,text/calendar" aria-describedby={err ? 'ics-err' : undefined}
						onChange={(e) => { setFile(e.currentTarget.files[0] || null); setErr(''); setRes(null); }} />
					{err && <div class="error" id="ics-err" role="alert">{err}</div>}
				</div>
				<div class="field">
					<label class="check"><input type="checkbox" checked={notify} aria-describedby="ics-notify-hint"
						onChange={(e) => setNotify(e.currentTarget.checked)} /> {t('importNotify')}</label>
					<div class="hint" id="ics-notify-hint">{t('importNotifyHint')}</div>
				</div>
				<FormError text={f.formError} />
				{res && <p role="status" class="ok">
					{t('imported')}: {res.created} {t('createdN')}, {res.updated} {t('updatedN')}, {res.unchanged} {t('unchangedN')}, {res.skipped} {t('skippedN')}
				</p>}
				<div class="row">
					<button type="submit" class="primary" disabled={f.busy}>{t('import')}</button>
					<button type="button" onClick={onClose}>{t('close')}</button>
				</div>
			</form>
		</Dialog>
	);
}
