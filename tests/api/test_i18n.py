"""Every text the server shows users has its French and Russian forms: the
details of problem+json (each string literal given to resp_problem,
resp_problemf, resp_problem_ext, resp_field_error or resp_text in src/) must
be a key of src/core/messages.def, whose entries all carry fr and ru (the
unit test tests/unit/test_i18n.c checks their printf conversions); each
e-mail template has its three languages. Then, through the server: problem
details follow Accept-Language for anonymous callers."""
import os
import re

from calutil import new_calendar
from conftest import ROOT, problem

CALL = re.compile(r"\b(resp_problem|resp_problemf|resp_problem_ext|resp_field_error|resp_text|ics_err|say_in)\s*\(")
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')
# ics_err(err, line, property, format, ...): iCalendar errors are formatted in
# each language when made (ical/ics_parse.c), and say_in(why, n, lang,
# format, ...) a setting's fault (settings/settings.c), so their formats are keys too
TEXT_ARG = {"resp_problem": 3, "resp_problemf": 3, "resp_problem_ext": 3, "resp_field_error": 2, "resp_text": 1,
            "ics_err": 3, "say_in": 3}


def args_of(src, i):
    """the top-level arguments of the call whose '(' ends at i, as source text"""
    depth, buf, out, j = 0, "", [], i
    while j < len(src):
        c = src[j]
        if c == '"':
            m = LIT.match(src, j)
            buf += src[j:m.end()]
            j = m.end()
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                out.append(buf)
                return out
            depth -= 1
        elif c == "," and depth == 0:
            out.append(buf)
            buf = ""
            j += 1
            continue
        buf += c
        j += 1
    return out


def texts():
    """(file, text) of every literal problem detail in src/ (each branch of a ?: too)"""
    found = []
    for d, _, files in os.walk(os.path.join(ROOT, "src")):
        for f in files:
            if not f.endswith(".c"):
                continue
            path = os.path.join(d, f)
            src = open(path, encoding="utf-8").read()
            for m in CALL.finditer(src):
                a = args_of(src, m.end())
                k = TEXT_ARG[m.group(1)]
                if len(a) <= k:
                    continue
                for part in re.split(r"[?:](?=\s*\")", a[k]):
                    part = part.strip()
                    lits = LIT.findall(part)
                    if lits and not LIT.sub("", part).strip():
                        text = "".join(lits)
                        if text and text != "%s":
                            found.append((os.path.relpath(path, ROOT), text))
    return found


def catalogue():
    src = open(os.path.join(ROOT, "src", "core", "messages.def"), encoding="utf-8").read()
    entries = {}
    for m in re.finditer(r'^MSG\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)',
                         src, re.M):
        entries[m.group(1)] = (m.group(2), m.group(3))
    return entries


def test_every_problem_detail_has_french_and_russian():
    cat = catalogue()
    assert len(cat) > 200
    found = texts()
    assert len(found) > 200, "the scan finds the problem details of src/"
    missing = sorted({"%s: %s" % (f, t) for f, t in found if t not in cat})
    assert not missing, "texts without a translation in src/core/messages.def:\n" + "\n".join(missing)
    empty = [k for k, (fr, ru) in cat.items() if not fr or not ru]
    assert not empty, empty


def test_every_mail_template_has_three_languages():
    src = open(os.path.join(ROOT, "src", "notify", "templates.c"), encoding="utf-8").read()
    tables = re.findall(r"static const struct text (\w+)\[\] = \{(.*?)\n\};", src, re.S)
    assert {name for name, _ in tables} >= {"reset", "validate", "guest_invite", "shared"}, tables
    for name, body in tables:
        langs = re.findall(r'\{"(en|fr|ru)",', body)
        assert langs == ["en", "fr", "ru"], (name, langs)
    roles = re.search(r"\} roles\[\] = \{(.*?)\n\};", src, re.S).group(1)
    for role in ("freebusy", "viewer", "editor", "manager"):
        block = re.search(r'\{"%s",\s*\{(.*?\}\})\}' % role, roles, re.S).group(1)
        assert len(re.findall(r'\{"[^"]+", "[^"]+"\}', block)) == 3, role


def test_anonymous_problems_follow_accept_language(srv):
    anon = srv.client()
    for lang, detail in (("fr", "aucune route pour /api/v1/nothing-here"),
                         ("ru;q=0.9, fr;q=0.5", "нет маршрута для /api/v1/nothing-here"),
                         ("*", "no route for /api/v1/nothing-here")):
        r = anon.get("/api/v1/nothing-here", headers={"Accept-Language": lang})
        assert problem(r, 404)["detail"] == detail, r.text
    r = anon.post("/api/v1/session", json={"email": "nobody@nowhere.test", "password": "x" * 12},
                  headers={"Accept-Language": "fr"})
    b = problem(r, 401, "invalid-credentials")
    assert b["detail"] == "adresse e-mail ou mot de passe incorrect" and b["title"] == "Non authentifié", b


def test_details_formatted_at_run_time_follow_the_users_language(srv, admin):
    """an iCalendar error names the line, the property and the value inside the
    sentence of the user's language; a rule's fault carried as text is translated too"""
    bad = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//i18n//EN\r\nBEGIN:VEVENT\r\nUID:i18n@x\r\n"
           "DTSTAMP:20300101T000000Z\r\nDTSTART:20301340T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    want = {"en": "line 7: DTSTART: invalid date-time '20301340T100000Z'",
            "fr": "ligne 7 : DTSTART : date-heure invalide « 20301340T100000Z »",
            "ru": "строка 7: DTSTART: недопустимые дата и время «20301340T100000Z»"}
    rule = {"en": "a MINUTELY or SECONDLY rule needs COUNT or UNTIL",
            "fr": "une règle MINUTELY ou SECONDLY exige COUNT ou UNTIL",
            "ru": "правилу MINUTELY или SECONDLY нужен COUNT или UNTIL"}
    for lang in ("fr", "ru", "en"):
        u, _ = srv.make_user(admin, "member")
        c = srv.login_as(u)
        assert c.patch("/api/v1/me", json={"language": lang}).status_code == 200
        cal = new_calendar(c)
        r = c.post("/api/v1/calendars/%s/import" % cal["id"], data=bad.encode(),
                   headers={"Content-Type": "text/calendar"})
        p = problem(r, 422, "invalid-ics")
        assert (p["detail"], p["line"], p["property"]) == (want[lang], 7, "DTSTART"), p
        assert r.headers["Content-Language"] == lang
        r = c.post("/api/v1/calendars/%s/events" % cal["id"],
                   json={"summary": "x", "start": "2030-01-07T10:00:00Z", "rrule": "FREQ=MINUTELY"})
        assert r.status_code == 422 and r.json()["detail"].endswith(rule[lang]), (lang, r.text)


def test_setting_faults_name_the_setting_in_the_users_language(srv):
    """a setting's fault carries its name and values inside the sentence of the user's language"""
    admin = srv.admin("A")
    want = {"fr": ("paramètre inconnu « colour »", "business_hours : jour inconnu « sam » (utilisez mon, tue,",
                   "business_hours.mon[0] : open doit précéder close"),
            "ru": ("неизвестный параметр «colour»", "business_hours: неизвестный день «sam» (используйте mon,",
                   "business_hours.mon[0]: open должно быть раньше close"),
            "en": ("unknown setting 'colour'", "business_hours: unknown day 'sam' (use mon, tue,",
                   "business_hours.mon[0]: open must be before close")}
    try:
        for lang, (unknown, day, order) in want.items():
            assert admin.patch("/api/v1/me", json={"language": lang}).status_code == 200
            p = problem(admin.patch("/api/v1/settings", json={"colour": "red"}), 422, "unknown-field")
            assert p["detail"] == unknown, p
            p = problem(admin.patch("/api/v1/settings", json={"business_hours": {"sam": []}}), 422, "invalid-field")
            assert p["detail"].startswith(day) and p["field"] == "business_hours", p
            hours = {"mon": [{"open": "18:00", "close": "09:00"}]}
            p = problem(admin.patch("/api/v1/settings", json={"business_hours": hours}), 422, "invalid-field")
            assert p["detail"] == order, p
            p = problem(admin.patch("/api/v1/settings", json={"language": "de"}), 422, "invalid-field")
            assert p["detail"] == {"fr": "language doit valoir l'une de ces valeurs : en|fr|ru",
                                   "ru": "language должен быть одним из значений: en|fr|ru",
                                   "en": "language must be one of en|fr|ru"}[lang], p
    finally:
        admin.patch("/api/v1/me", json={"language": None})


def test_event_time_and_room_hours_faults_follow_the_users_language(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    assert c.patch("/api/v1/me", json={"language": "fr"}).status_code == 200
    cal = new_calendar(c)
    r = c.post("/api/v1/calendars/%s/events" % cal["id"],
               json={"summary": "x", "all_day": True, "start": "2030-01-07T10:00:00"})
    p = problem(r, 422, "invalid-field")
    assert (p["field"], p["detail"]) == ("start", "les heures d'un événement sur la journée entière sont des "
                                                  "dates : YYYY-MM-DD"), p
    assert admin.patch("/api/v1/me", json={"language": "ru"}).status_code == 200
    try:
        r = admin.post("/api/v1/rooms", json={"name": "x", "rules": {"opening_hours": {"mon": [
            {"open": "18:00", "close": "09:00"}]}}})
        p = problem(r, 422, "invalid-field")
        assert (p["field"], p["detail"]) == ("opening_hours", "business_hours.mon[0]: open должно быть раньше close"), p
    finally:
        admin.patch("/api/v1/me", json={"language": None})
