/* Every domain's route table, in one list, and the hooks by which a lower
 * domain lets a higher one act: the only place that knows them all. */
#include "routes.h"

#include <stdlib.h>

#include "calendar/approval.h"
#include "calendar/availability.h"
#include "calendar/event_store.h"
#include "calendar/calendars.h"
#include "calendar/display.h"
#include "calendar/events.h"
#include "calendar/feeds.h"
#include "calendar/guests.h"
#include "calendar/imip_in.h"
#include "calendar/room_stream.h"
#include "calendar/rooms.h"
#include "calendar/shares.h"
#include "calendar/stream.h"
#include "calendar/transfer.h"
#include "conferencing/conferences.h"
#include "conferencing/zoom_connections.h"
#include "conferencing/zoom_event_meetings.h"
#include "conferencing/zoom_event_sync.h"
#include "conferencing/zoom_meeting_sync.h"
#include "conferencing/zoom_oauth.h"
#include "conferencing/zoom_stream.h"
#include "conferencing/zoom_webhooks.h"
#include "dav/dav.h"
#include "core/log.h"
#include "http/router.h"
#include "iam/app_passwords.h"
#include "iam/apps.h"
#include "iam/audit_routes.h"
#include "iam/companies.h"
#include "iam/login_rules.h"
#include "iam/managers.h"
#include "iam/password_policy.h"
#include "iam/rights_routes.h"
#include "iam/signin.h"
#include "iam/language.h"
#include "iam/teams.h"
#include "iam/user_password.h"
#include "iam/user_hooks.h"
#include "iam/users.h"
#include "iam/modules.h"
#include "ops/health.h"
#include "ops/mail_status_routes.h"
#include "settings/routes.h"
#include "settings/settings.h"
#include "sync/routes.h"
#include "sync/webhooks.h"
#include "sync/outbound.h"
#include "support/chat.h"
#include "support/devices.h"
#include "support/offline.h"
#include "support/portal_open.h"
#include "support/portal_public.h"
#include "support/portals.h"
#include "support/reports.h"
#include "support/staff.h"
#include "http/static.h"
#include "iam/rights.h"

const struct route *const app_route_tables[] = {
	health_routes,
	signin_routes,
	language_routes,
	app_passwords_routes,
	users_routes,
	modules_routes,
	user_password_routes,
	password_policy_routes,
	mail_status_routes,
	companies_routes,
	apps_routes,
	rights_routes,
	teams_routes,
	managers_routes,
	settings_routes,
	devices_routes,
	portals_routes,
	portal_public_routes,
	support_public_session_routes,
	support_offline_routes,
	support_tech_session_routes,
	support_queue_routes,
	support_presence_routes,
	support_reports_routes,
	support_file_routes,
	support_replay_routes,
	support_staff_routes,
	support_history_routes,
	support_session_device_routes,
	login_rules_routes,
	audit_routes,
	calendars_routes,
	events_routes,
	transfer_routes,
	calendar_stream_routes,
	availability_routes,
	rooms_routes,
	room_stream_routes,
	display_routes,
	approval_routes,
	shares_routes,
	guests_routes,
	imip_in_routes,
	feeds_routes,
	dav_routes,
	zoom_webhook_routes,
	zoom_stream_routes,
	conferences_routes,
	zoom_connections_routes,
	zoom_event_meeting_routes,
	zoom_meeting_sync_routes,
	zoom_oauth_routes,
	sync_routes,
	sync_webhook_routes,
	NULL,
};

void app_hooks_register(void)
{
	static int done;
	if (done++)
		return;
	user_hooks_on_created(calendar_user_created);  /* iam makes users, the calendar their default calendar */
	portals_rights_hook(rights_effective_serving); /* support asks iam whether a manager holds a right */
	chat_rights_hook(rights_support_allows);       /* and what a session's technicians and managers may do */
	staff_rights_hook(rights_effective_any);       /* ... over technicians and sessions of their teams */
	settings_company_hook(rights_may_change_company_setting); /* managers change their companies' hours */
	static_page_hook(portal_public_page);                     /* an old portal address redirects to the new one */
	portal_settings_hook(settings_effective_named);           /* a portal's hours, zone and language are settings */
	/* the calendar tells conferencing of event changes (Zoom meetings); more
	 * listeners than calendar/event_store.h's EVENT_HOOKS_MAX is a
	 * programming error, refused at start-up rather than left unheard */
	if (zoom_event_sync_register() || sync_outbound_register()) {
		log_error("event hooks: more than %d listeners", EVENT_HOOKS_MAX);
		abort();
	}
}
