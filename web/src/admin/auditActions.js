// The audit log's actions (`user.create`, `share.update` …) in words: the list the action filter
// offers and actionText(), which also reads sensibly for an action this version of the app does
// not know yet. tests/browser/i18n.test.mjs checks both against the actions src/ records.
import { t, codeText, tOr } from '../lib/i18n.js';

// the actions the server writes (src/**: audit_record), grouped by what they act on
export const ACTIONS = {
	user: ['create', 'update', 'delete', 'suspend', 'invite', 'invitation_accepted', 'email_validated', 'preferences', 'password_change', 'password_reset', 'password_reset_link', 'password_set', 'modules'],
	company: ['create', 'rename', 'delete', 'member_add', 'member_remove'],
	team: ['create', 'update', 'delete', 'member_add', 'member_remove', 'rights'],
	manager: ['rights', 'teams', 'login_settings'],
	app: ['create', 'revoke'],
	app_password: ['create', 'revoke', 'revoke_all'],
	device: ['create', 'update', 'delete'],
	setting: ['update', 'reset', 'override', 'override_remove'],
	room: ['create', 'update', 'delete'],
	room_display: ['create', 'revoke'],
	booking: ['approve', 'decline', 'release'],
	calendar: ['create', 'update', 'delete', 'import'],
	event: ['create', 'update', 'delete', 'occurrence_update', 'occurrence_cancel', 'imip_reply'],
	share: ['create', 'update', 'delete'],
	public_feed: ['create', 'update', 'rotate', 'delete'],
	session: ['login_failed'],
	conference: ['create', 'update', 'delete', 'admin_add', 'admin_remove'],
	zoom_connection: ['create', 'update', 'connect', 'disconnect', 'delete', 'deauthorized'],
	zoom_meeting: ['create', 'attach', 'detach', 'retry', 'dismiss'],
	calendar_integration: ['step1', 'connect', 'disconnect', 'room_link', 'room_import', 'room_ignore', 'room_unlink', 'conflict'],
	account: ['create', 'seats'],
	portal: ['create', 'update', 'delete', 'managers', 'reports_reset'],
	technician: ['log_out', 'limit'],
	support_session: ['cancel'],
};

// the key of an action's text: act_ and the code with every '.' made '_'
export const actionKey = (a) => 'act_' + String(a || '').replace(/[^a-z0-9_]/gi, '_');

// "Room created"; for an action a newer server writes: what it acts on, in words when the app
// knows the word, and the verb as the code says it ("Room — action “archive”")
export function actionText(a) {
	const code = String(a || '');
	const known = tOr(actionKey(code), null);
	if (known !== null) return known;
	const dot = code.indexOf('.');
	const group = dot < 0 ? '' : code.slice(0, dot);
	const verb = (dot < 0 ? code : code.slice(dot + 1)).replace(/[_.]+/g, ' ').trim() || code;
	if (!group) return t('actOther', { verb });
	const what = codeText('ttype_', group);
	return t('actOn', { what: (what === group ? group.replace(/_+/g, ' ') : what).replace(/^./, (c) => c.toUpperCase()), verb });
}
