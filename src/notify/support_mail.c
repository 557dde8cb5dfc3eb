/* Support mails to customers (notify/support_mail.h). The customer's and
 * technicians' texts are arguments, never formats. One table per mail, so
 * that a missing translation is visible at a glance. */
#include "notify/support_mail.h"

#include <string.h>
#include <time.h>

#include "core/errors.h"

struct text {
	const char *lang, *subject, *body;
};

/* subject: the portal; body: the customer, the technician, the portal, the answer, the link, the days */
static const struct text answer[] = {
	{"en", "Answer to your request on %s",
	 "Hello %s,\n\n%s answered your request on %s:\n\n%s\n\n"
	 "To read the whole conversation and reply, open this link (it works once, within %d days):\n\n%s\n"},
	{"fr", "Réponse à votre demande sur %s",
	 "Bonjour %s,\n\n%s a répondu à votre demande sur %s :\n\n%s\n\n"
	 "Pour lire toute la conversation et répondre, ouvrez ce lien (il fonctionne une fois, dans les %d jours) :\n\n%s\n"},
	{"ru", "Ответ на ваш запрос на «%s»",
	 "Здравствуйте, %s!\n\n%s ответил(а) на ваш запрос на «%s»:\n\n%s\n\n"
	 "Чтобы прочитать весь разговор и ответить, откройте ссылку (она действует один раз, в течение %d дн.):\n\n%s\n"},
};

/* subject: the portal; body: the customer, the portal, the lines */
static const struct text transcript[] = {
	{"en", "Your conversation on %s", "Hello %s,\n\nHere is your conversation on %s, as you asked:\n\n%s\n"},
	{"fr", "Votre conversation sur %s",
	 "Bonjour %s,\n\nVoici votre conversation sur %s, comme vous l'avez demandé :\n\n%s\n"},
	{"ru", "Ваш разговор на «%s»", "Здравствуйте, %s!\n\nВот ваш разговор на «%s», как вы просили:\n\n%s\n"},
};

/* who technicians and the system are in a transcript, in the order of the tables */
static const char *const support_name[] = {"Support", "Support", "Поддержка"};

static int pick(const char *lang)
{
	for (int i = 0; i < 3; i++)
		if (lang && !strcmp(answer[i].lang, lang))
			return i;
	return 0;
}

/* the text, each of its lines indented by two spaces */
static int indented(struct buf *out, const char *text)
{
	int rc = buf_puts(out, "  ");
	for (const char *p = text; !rc && *p; p++)
		rc = *p == '\n' ? buf_puts(out, "\n  ") : buf_append(out, p, 1);
	return rc ? rc : buf_puts(out, "\n");
}

int support_mail_answer(const char *lang, const char *customer, const char *portal, const char *technician,
			const char *text, const char *link, int days, struct buf *subject, struct buf *body)
{
	const struct text *t = &answer[pick(lang)];
	struct buf quoted = {0};
	int rc = buf_printf(subject, t->subject, portal);
	if (!rc)
		rc = indented(&quoted, text);
	if (!rc)
		rc = buf_printf(body, t->body, customer, technician, portal, quoted.data, days, link);
	buf_free(&quoted);
	return rc;
}

int support_mail_transcript(const char *lang, const char *customer, const char *portal, const char *lines,
			    struct buf *subject, struct buf *body)
{
	const struct text *t = &transcript[pick(lang)];
	int rc = buf_printf(subject, t->subject, portal);
	return rc ? rc : buf_printf(body, t->body, customer, portal, lines);
}

int support_mail_line(struct buf *out, const char *lang, long long at, const char *who, const char *text)
{
	time_t tt = (time_t)at;
	struct tm tm;
	char when[32] = "";
	if (gmtime_r(&tt, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	int rc = buf_printf(out, "[%s] %s:\n", when, who && *who ? who : support_name[pick(lang)]);
	return rc ? rc : indented(out, text);
}
