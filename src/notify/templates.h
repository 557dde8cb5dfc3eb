/* The texts of the e-mails convene sends, in English, French and Russian. */
#ifndef NOTIFY_TEMPLATES_H
#define NOTIFY_TEMPLATES_H

#include "core/buf.h"

enum template_kind { TEMPLATE_RESET, TEMPLATE_VALIDATE, TEMPLATE_GUEST_INVITE, TEMPLATE_SHARED };

/* fills subject and body for lang (en|fr|ru; anything else: en); account is
 * the account's name, which a reset mail names */
int templates_render(enum template_kind kind, const char *lang, const char *name, const char *account, const char *link,
		     struct buf *subject, struct buf *body);
/* the mails about a shared calendar (TEMPLATE_GUEST_INVITE: an invitation to
 * sign up as a guest; TEMPLATE_SHARED: a calendar now shared with a user):
 * who shared it, the calendar's name, the role given (freebusy, viewer,
 * editor, manager: named and explained), the link and the calendar's ICS
 * address for calendar apps */
int templates_render_share(enum template_kind kind, const char *lang, const char *inviter, const char *calendar,
			   const char *role, const char *link, const char *feed_url, struct buf *subject,
			   struct buf *body);

/* the mail to a conference's administrators when a Zoom account left it
 * because its owner removed the app at Zoom (app_deauthorized): the Zoom
 * account (e-mail or name), the conference, its connections that used it
 * (names, ", "-separated) and the link to the conference's Zoom tab */
int templates_render_zoom_deauthorized(const char *lang, const char *zoom_account, const char *conference,
				       const char *connections, const char *link, struct buf *subject,
				       struct buf *body);

/* the mail to a meeting's organizer when a room it booked is taken back
 * because a meeting made earlier at a calendar provider holds it
 * (sync/conflict.c): the room, the meeting's title and time (in the
 * organizer's zone), the provider's name (Google Calendar, Microsoft 365,
 * Exchange), other free rooms (lines "  - name (capacity)\n"; "" when none)
 * and the link to the meeting */
int templates_render_room_released(const char *lang, const char *room, const char *meeting, const char *when,
				   const char *provider, const char *alternatives, const char *link,
				   struct buf *subject, struct buf *body);

#endif
