// A modal dialog on the native <dialog>: showModal() makes the rest of the page inert (focus
// stays inside), Escape closes it through onClose, and the title labels it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';

let seq = 0;
export function Dialog({ title, onClose, children, wide }) {
	const ref = useRef();
	const [id] = useState(() => 'dlg' + (++seq));
	useEffect(() => {
		const d = ref.current;
		const back = document.activeElement;
		if (d && !d.open) d.showModal();
		const q = (sel) => d && d.querySelector('.dlg-body ' + sel);
		const first = q('[autofocus]') || q('input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])') || q('button');
		if (first) first.focus();
		return () => { if (d && d.open) d.close(); if (back && back.focus) back.focus(); };
	}, []);
	return (
		<dialog ref={ref} class={'cal-dialog' + (wide ? ' wide' : '')} aria-labelledby={id}
			onCancel={(e) => { e.preventDefault(); onClose(); }}>
			<div class="dlg-head">
				<h2 id={id}>{title}</h2>
				<button type="button" class="small" onClick={onClose} aria-label={t('close')}>×</button>
			</div>
			<div class="dlg-body">{children}</div>
		</dialog>
	);
}
