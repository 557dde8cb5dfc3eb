/* Templates are printf formats with two arguments: the person's name, then
 * the link (a reset: the name, the account's name, the link) (share mails: who shared, the calendar, the link). One table, so
 * that a missing translation is visible at a glance. */
#include "notify/templates.h"

#include <string.h>

#include "core/errors.h"

struct text {
	const char *lang, *subject, *body;
};

static const struct text reset[] = {
	{"en", "Reset your convene password",
	 "Hello %s,\n\nSomeone (hopefully you) asked to reset your convene password for %s.\n"
	 "Choose a new one here within the next hour:\n\n%s\n\n"
	 "The link works once. If you did not ask for this, ignore this message:\n"
	 "your password stays as it is.\n"},
	{"fr", "Réinitialisez votre mot de passe convene",
	 "Bonjour %s,\n\nQuelqu'un (vous, espérons-le) a demandé à réinitialiser votre mot de passe convene pour %s.\n"
	 "Choisissez-en un nouveau ici dans l'heure :\n\n%s\n\n"
	 "Le lien ne fonctionne qu'une fois. Si vous n'êtes pas à l'origine de cette demande,\n"
	 "ignorez ce message : votre mot de passe reste inchangé.\n"},
	{"ru", "Сброс пароля convene",
	 "Здравствуйте, %s!\n\nКто-то (надеемся, вы) запросил сброс пароля convene в «%s».\n"
	 "Выберите новый пароль в течение часа по ссылке:\n\n%s\n\n"
	 "Ссылка действует один раз. Если вы этого не запрашивали, просто проигнорируйте письмо:\n"
	 "ваш пароль останется прежним.\n"},
};

static const struct text validate[] = {
	{"en", "Confirm your e-mail address for convene",
	 "Hello %s,\n\nPlease confirm that this is your e-mail address by opening this link\n"
	 "within 24 hours:\n\n%s\n\nUntil then you can sign in but not use convene.\n"},
	{"fr", "Confirmez votre adresse e-mail pour convene",
	 "Bonjour %s,\n\nMerci de confirmer que cette adresse e-mail est la vôtre en ouvrant ce lien\n"
	 "dans les 24 heures :\n\n%s\n\nD'ici là, vous pouvez vous connecter mais pas utiliser convene.\n"},
	{"ru", "Подтвердите адрес электронной почты для convene",
	 "Здравствуйте, %s!\n\nПодтвердите, что это ваш адрес электронной почты, открыв ссылку\n"
	 "в течение 24 часов:\n\n%s\n\nДо этого вы можете войти, но не сможете пользоваться convene.\n"},
};

/* share mails: subject "%s" is who shared; body: who, the calendar, the
 * role's name, what it allows, the link, the ICS address (Zimbra's share
 * mails name the role and what it allows, too) */
static const struct text guest_invite[] = {
	{"en", "%s shared a calendar with you",
	 "Hello,\n\n%s shared the calendar \"%s\" with you on convene, as %s: you may %s.\n"
	 "Choose your name and a password here within 7 days to see it:\n\n%s\n\n"
	 "The link works once. Afterwards you sign in with this e-mail address.\n\n"
	 "Calendar apps (Thunderbird, Apple Calendar, Outlook, DAVx5) can subscribe to it at\n\n%s\n\n"
	 "with this e-mail address and your password.\n"},
	{"fr", "%s a partagé un agenda avec vous",
	 "Bonjour,\n\n%s a partagé l'agenda « %s » avec vous sur convene, en tant que %s : vous pouvez %s.\n"
	 "Choisissez votre nom et un mot de passe ici dans les 7 jours pour le consulter :\n\n%s\n\n"
	 "Le lien ne fonctionne qu'une fois. Ensuite, vous vous connectez avec cette adresse e-mail.\n\n"
	 "Les applications d'agenda (Thunderbird, Apple Calendar, Outlook, DAVx5) peuvent s'y abonner à l'adresse\n\n%s\n\n"
	 "avec cette adresse e-mail et votre mot de passe.\n"},
	{"ru", "%s открыл(а) вам доступ к календарю",
	 "Здравствуйте!\n\n%s открыл(а) вам доступ к календарю «%s» в convene с ролью «%s»: вы можете %s.\n"
	 "Чтобы его увидеть, выберите имя и пароль по ссылке в течение 7 дней:\n\n%s\n\n"
	 "Ссылка действует один раз. Затем входите с этим адресом электронной почты.\n\n"
	 "Программы-календари (Thunderbird, Apple Calendar, Outlook, DAVx5) могут подписаться на него по адресу\n\n%s\n\n"
	 "с этим адресом электронной почты и вашим паролем.\n"},
};

static const struct text shared[] = {
	{"en", "%s shared a calendar with you",
	 "Hello,\n\n%s shared the calendar \"%s\" with you on convene, as %s: you may %s.\n"
	 "It is in your list of calendars:\n\n%s\n\n"
	 "Calendar apps can subscribe to it at %s (with your convene login).\n"},
	{"fr", "%s a partagé un agenda avec vous",
	 "Bonjour,\n\n%s a partagé l'agenda « %s » avec vous sur convene, en tant que %s : vous pouvez %s.\n"
	 "Il figure dans votre liste d'agendas :\n\n%s\n\n"
	 "Les applications d'agenda peuvent s'y abonner à l'adresse %s (avec vos identifiants convene).\n"},
	{"ru", "%s открыл(а) вам доступ к календарю",
	 "Здравствуйте!\n\n%s открыл(а) вам доступ к календарю «%s» в convene с ролью «%s»: вы можете %s.\n"
	 "Он есть в вашем списке календарей:\n\n%s\n\n"
	 "Программы-календари могут подписаться на него по адресу %s (с вашими учётными данными convene).\n"},
};

/* a share's role: its name and what it allows, per language (en, fr, ru) */
static const struct {
	const char *role, *text[3][2];
} roles[] = {
	{"freebusy",
	 {{"free/busy", "see when its owner is busy or free, without the events' details"},
	  {"disponibilités", "voir quand son propriétaire est occupé ou libre, sans le détail des événements"},
	  {"занятость", "видеть, когда владелец занят или свободен, без подробностей событий"}}},
	{"viewer",
	 {{"viewer", "see its events (private ones only as busy time)"},
	  {"lecteur", "voir ses événements (les privés seulement comme temps occupé)"},
	  {"читатель", "видеть его события (личные — только как занятое время)"}}},
	{"editor",
	 {{"editor", "see its events, add new ones and change or delete them"},
	  {"éditeur", "voir ses événements, en ajouter, les modifier ou les supprimer"},
	  {"редактор", "видеть его события, добавлять, изменять и удалять их"}}},
	{"manager",
	 {{"manager", "see and change its events, and share the calendar with others"},
	  {"gestionnaire", "voir et modifier ses événements, et partager l'agenda avec d'autres"},
	  {"управляющий", "видеть и изменять его события и открывать доступ к календарю другим"}}},
};

int templates_render_share(enum template_kind kind, const char *lang, const char *inviter, const char *calendar,
			   const char *role, const char *link, const char *feed_url, struct buf *subject,
			   struct buf *body)
{
	const struct text *t = kind == TEMPLATE_GUEST_INVITE ? guest_invite : shared;
	int li = 0;
	for (int i = 0; i < 3; i++)
		if (lang && !strcmp(t[i].lang, lang))
			li = i;
	const char *role_name = role, *allows = "";
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (role && !strcmp(roles[i].role, role)) {
			role_name = roles[i].text[li][0];
			allows = roles[i].text[li][1];
		}
	int rc = buf_printf(subject, t[li].subject, inviter);
	return rc ? rc
		  : buf_printf(body, t[li].body, inviter, calendar, role_name ? role_name : "", allows, link, feed_url);
}

int templates_render(enum template_kind kind, const char *lang, const char *name, const char *account, const char *link,
		     struct buf *subject, struct buf *body)
{
	const struct text *t = kind == TEMPLATE_RESET ? reset : validate;
	const struct text *pick = &t[0];
	for (int i = 0; i < 3; i++)
		if (lang && !strcmp(t[i].lang, lang))
			pick = &t[i];
	int rc = buf_puts(subject, pick->subject);
	if (rc)
		return rc;
	/* a reset names its account: one address may be a user in several */
	return kind == TEMPLATE_RESET ? buf_printf(body, pick->body, name, account ? account : "", link)
				      : buf_printf(body, pick->body, name, link);
}

/* subject: the conference; body: the Zoom account, the conference, the
 * connections' names, the link */
static const struct text zoom_deauthorized[] = {
	{"en", "A Zoom account left the conference %s",
	 "Hello,\n\nThe Zoom account %s no longer serves the conference \"%s\" on convene: its owner\n"
	 "removed the convene app at Zoom, so convene may no longer read its meetings.\n"
	 "Its connection (%s) has been removed, with the meetings convene had kept.\n\n"
	 "To connect a Zoom account again, open the conference's Zoom tab:\n\n%s\n"},
	{"fr", "Un compte Zoom a quitté la conférence %s",
	 "Bonjour,\n\nLe compte Zoom %s ne sert plus la conférence « %s » sur convene : son propriétaire\n"
	 "a retiré l'application convene chez Zoom, si bien que convene ne peut plus lire ses réunions.\n"
	 "Sa connexion (%s) a été supprimée, avec les réunions que convene avait gardées.\n\n"
	 "Pour connecter de nouveau un compte Zoom, ouvrez l'onglet Zoom de la conférence :\n\n%s\n"},
	{"ru", "Аккаунт Zoom покинул конференцию «%s»",
	 "Здравствуйте!\n\nАккаунт Zoom %s больше не обслуживает конференцию «%s» в convene: его владелец\n"
	 "удалил приложение convene в Zoom, и convene больше не может читать его встречи.\n"
	 "Его подключение (%s) удалено вместе с встречами, которые хранил convene.\n\n"
	 "Чтобы снова подключить аккаунт Zoom, откройте вкладку Zoom конференции:\n\n%s\n"},
};

int templates_render_zoom_deauthorized(const char *lang, const char *zoom_account, const char *conference,
				       const char *connections, const char *link, struct buf *subject, struct buf *body)
{
	const struct text *pick = &zoom_deauthorized[0];
	for (int i = 0; i < 3; i++)
		if (lang && !strcmp(zoom_deauthorized[i].lang, lang))
			pick = &zoom_deauthorized[i];
	int rc = buf_printf(subject, pick->subject, conference);
	return rc ? rc : buf_printf(body, pick->body, zoom_account, conference, connections, link);
}

/* subject: the room; body: the meeting's title, its time, the room, the
 * provider's name, the other free rooms (one a line, or a sentence saying
 * there is none) and the link to the meeting */
static const struct text room_released[] = {
	{"en", "The room %s was taken back from your meeting",
	 "Hello,\n\nYour meeting \"%s\" (%s) no longer has the room %s: a meeting made earlier in\n"
	 "%s holds the room at that time (both were booked within seconds, before\n"
	 "the calendars could tell each other). Your meeting is kept, without the room.\n\n"
	 "Rooms of a similar size free at that time:\n%s\n"
	 "Open your meeting to pick another room:\n\n%s\n"},
	{"fr", "La salle %s a été retirée de votre réunion",
	 "Bonjour,\n\nVotre réunion « %s » (%s) n'a plus la salle %s : une réunion créée plus tôt dans\n"
	 "%s occupe la salle à ce moment (les deux ont été réservées à quelques secondes\n"
	 "d'intervalle, avant que les agendas ne se le disent). Votre réunion est gardée, sans la salle.\n\n"
	 "Salles de taille semblable libres à ce moment :\n%s\n"
	 "Ouvrez votre réunion pour choisir une autre salle :\n\n%s\n"},
	{"ru", "Переговорная %s снята с вашей встречи",
	 "Здравствуйте!\n\nУ вашей встречи «%s» (%s) больше нет переговорной %s: встреча, созданная раньше в\n"
	 "%s, занимает её в это время (обе были забронированы с разницей в секунды, прежде чем\n"
	 "календари успели сообщить друг другу). Ваша встреча сохранена, но без переговорной.\n\n"
	 "Свободные в это время переговорные похожего размера:\n%s\n"
	 "Откройте встречу, чтобы выбрать другую переговорную:\n\n%s\n"},
};

static const char *const no_rooms[] = {"  (none: try another time)\n", "  (aucune : essayez un autre moment)\n",
				       "  (нет: попробуйте другое время)\n"};

int templates_render_room_released(const char *lang, const char *room, const char *meeting, const char *when,
				   const char *provider, const char *alternatives, const char *link,
				   struct buf *subject, struct buf *body)
{
	int k = 0;
	for (int i = 0; i < 3; i++)
		if (lang && !strcmp(room_released[i].lang, lang))
			k = i;
	const struct text *pick = &room_released[k];
	int rc = buf_printf(subject, pick->subject, room);
	return rc ? rc
		  : buf_printf(body, pick->body, meeting, when, room, provider,
			       alternatives && *alternatives ? alternatives : no_rooms[k], link);
}
