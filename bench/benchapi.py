"""What the benchmarks do through convene's JSON API to set themselves up:
sign in, find the default company, make an API manager whose application
gets a bearer token (as a real client would). Used by the scripts' inline
Python (run from the repository's root: sys.path.insert(0, "bench"))."""
import base64
import json
import urllib.parse
import urllib.request


class Api:
    def __init__(self, base, timeout=60):
        self.base, self.timeout = base, timeout

    def call(self, method, path, body=None, headers=None, form=None):
        """(response headers, JSON body or None); raises on any non-2xx"""
        h, data = dict(headers or {}), None
        if body is not None:
            data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data, h["Content-Type"] = form.encode(), "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            return r.headers, json.loads(r.read() or b"null")

    def sign_in(self, email, password):
        """(headers of the cookie session with its CSRF token, the user)"""
        h, b = self.call("POST", "/api/v1/session", {"email": email, "password": password})
        return {"Cookie": h["Set-Cookie"].split(";")[0], "X-CSRF-Token": b["csrf_token"]}, b["user"]

    def default_company(self, auth):
        items = self.call("GET", "/api/v1/companies", headers=auth)[1]["items"]
        return [c for c in items if c["is_default"]][0]["id"]

    def api_manager(self, admin, email, name, password, app_name):
        """makes an API manager (as the administrator whose session is admin),
        who registers application app_name and gets a client-credentials
        token: (token, the user, the user's session headers)"""
        self.call("POST", "/api/v1/users", {"email": email, "display_name": name, "role": "api_manager",
                                            "company_ids": [self.default_company(admin)], "password": password,
                                            "must_change_password": False}, admin)
        auth, user = self.sign_in(email, password)
        app = self.call("POST", "/api/v1/apps", {"name": app_name, "description": "convene benchmark"}, auth)[1]
        basic = base64.b64encode(("%s:%s" % (urllib.parse.quote_plus(app["client_id"]),
                                             urllib.parse.quote_plus(app["client_secret"]))).encode()).decode()
        tok = self.call("POST", "/oauth/token", form="grant_type=client_credentials",
                        headers={"Authorization": "Basic " + basic})[1]["access_token"]
        return tok, user, auth
