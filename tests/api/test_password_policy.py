"""GET /api/v1/password-policy: the password rule, readable before one types
by anyone who may have to choose a password (signed in, or on the reset and
invitation pages before signing in), in the caller's language; and the rule
it states is the one the server applies."""
from conftest import PASSWORD, problem


def test_anyone_reads_the_rule_in_their_browsers_language(srv):
    anon = srv.client()
    r = anon.get("/api/v1/password-policy")
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["min_length"] == 10 and p["max_length"] == 256
    assert set(p["checks"]) == {"too-short", "too-long", "personal", "repetitive", "dictionary", "too-simple"}
    q = p["pwquality"]
    for k in ("min_classes", "max_repeat", "max_class_repeat", "max_sequence"):
        assert isinstance(q[k], int) and q[k] >= 0, (k, q)
    assert q["dictionary_check"] is True and q["palindrome_check"] is True
    assert p["description"].startswith("At least 10 characters") and p["language"] == "en"
    fr = anon.get("/api/v1/password-policy", headers={"Accept-Language": "fr-CH, en;q=0.5"}).json()
    assert fr["description"].startswith("Au moins 10 caractères") and fr["language"] == "fr", fr
    ru = anon.get("/api/v1/password-policy", headers={"Accept-Language": "ru"}).json()
    assert ru["description"].startswith("Не менее 10 символов") and ru["language"] == "ru", ru
    assert (fr["min_length"], fr["checks"]) == (p["min_length"], p["checks"])


def test_signed_in_users_read_it_in_their_own_language(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    assert c.patch("/api/v1/me", json={"language": "ru"}).status_code == 200
    r = c.get("/api/v1/password-policy", headers={"Accept-Language": "fr"})
    assert r.status_code == 200 and r.json()["language"] == "ru", r.text


def test_the_stated_length_is_the_one_applied(srv, admin):
    p = srv.client().get("/api/v1/password-policy").json()
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    short = "Zq7#mW2!vK9pLx"[:p["min_length"] - 1]
    r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": short})
    problem(r, 422, "weak-password")
    assert r.json()["reason"] == "too-short" and r.json()["reason"] in p["checks"]
    ok = "Zq7#mW2!vK9pLx"[:p["min_length"]]
    r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": ok})
    assert r.status_code == 200, r.text
