"""Every text the server shows users has its French and Russian forms: the
details of problem+json (each string literal given to resp_problem,
resp_problemf, resp_problem_ext, resp_field_error or resp_text in src/) must
be a key of src/core/messages.def, whose entries all carry fr and ru (the
unit test tests/unit/test_i18n.c checks their printf conversions); each
e-mail template has its three languages. Then, through the server: problem
details follow Accept-Language for anonymous callers."""
import os
import re

from conftest import ROOT, problem

CALL = re.compile(r"\b(resp_problem|resp_problemf|resp_problem_ext|resp_field_error|resp_text)\s*\(")
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')
TEXT_ARG = {"resp_problem": 3, "resp_problemf": 3, "resp_problem_ext": 3, "resp_field_error": 2, "resp_text": 1}


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
