/* Which technicians serve a portal now, as one SQL common table expression
 * that both the portal's openness (store_portal_available) and the choice
 * of whom to offer a session (store_support_least_busy) read, so that a
 * portal never says it is open while nobody could be offered its sessions.
 * Internal to the store. */
#ifndef STORE_SUPPORT_SERVING_H
#define STORE_SUPPORT_SERVING_H

/* Binds three parameters: account id, portal id, and the oldest seen_at
 * that still counts as online. Defines `eligible(user_id, nload,
 * max_sessions)`: the users who are active, online and seen since then,
 * hold the remote_support module, belong to the portal's company and are
 * members of a team serving it (its own teams, or its parent's when it has
 * none, and their sub-teams); nload is their live sessions. A query adds
 * `nload < max_sessions` for those not at their limit. */
#define SUPPORT_SERVING_CTE                                                                                         \
	"WITH RECURSIVE arg(account_id, portal_id, fresh) AS"                                                       \
	" (SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)),"                                            \
	" portal(account_id, company_id, team_portal) AS (SELECT p.account_id, p.company_id, CASE WHEN EXISTS"      \
	"  (SELECT 1 FROM portal_teams d WHERE d.account_id = p.account_id AND d.portal_id = p.id)"                 \
	"  THEN p.id ELSE COALESCE(p.parent_id, p.id) END FROM portals p JOIN arg ON p.account_id = arg.account_id" \
	"  AND p.id = arg.portal_id),"                                                                              \
	" serving(id) AS (SELECT pt.team_id FROM portal_teams pt JOIN portal ON pt.account_id = portal.account_id"  \
	"  AND pt.portal_id = portal.team_portal"                                                                   \
	"  UNION SELECT t.id FROM teams t JOIN serving s ON t.parent_id = s.id JOIN arg"                            \
	"  ON t.account_id = arg.account_id),"                                                                      \
	" eligible(user_id, nload, max_sessions) AS (SELECT sp.user_id, (SELECT COUNT(*) FROM support_sessions ss"  \
	"  WHERE ss.account_id = sp.account_id AND ss.technician_id = sp.user_id AND ss.state = 'active'),"         \
	"  sp.max_sessions FROM support_presence sp JOIN arg ON sp.account_id = arg.account_id JOIN portal"         \
	"  ON portal.account_id = sp.account_id JOIN users u ON u.account_id = sp.account_id AND u.id = sp.user_id" \
	"  AND u.status = 'active' WHERE sp.state = 'online' AND sp.seen_at >= arg.fresh"                           \
	"  AND EXISTS (SELECT 1 FROM team_members m WHERE m.account_id = sp.account_id AND m.user_id = sp.user_id"  \
	"   AND m.team_id IN (SELECT id FROM serving))"                                                             \
	"  AND EXISTS (SELECT 1 FROM user_modules um WHERE um.account_id = sp.account_id"                           \
	"   AND um.user_id = sp.user_id AND um.module = 'remote_support')"                                          \
	"  AND EXISTS (SELECT 1 FROM user_companies uc WHERE uc.account_id = sp.account_id"                         \
	"   AND uc.user_id = sp.user_id AND uc.company_id = portal.company_id))"

#endif
