"""The smoke journey of `make prod-check` (scripts/prod.sh check): real HTTPS through nginx only.

Two portal processes sit behind nginx (round-robin, no sticky sessions). Which process answered a
request is read from nginx's own access log: every response carries nginx's ``X-Request-ID`` and
the log line with that id names the upstream (``upstream=127.0.0.1:PORT``). Nothing is added to
the portal for this check. Where a step must land on the *other* process, the (read-only) request
is repeated until nginx's rotation puts it there, and the log proves it did.

Exit status 0 only if every step holds; each step prints one line.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

ROLES = ("admin", "operator", "finance", "support")
#: the sandbox's documented tokens (docs/sandbox.md) per portal role: the upstream's, not ours
SANDBOX_TOKENS = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}


FORGED_IP = "203.0.113.7"  # TEST-NET-3: a client's claim that must not reach the audit log


class Failed(Exception):
    """A step of the journey did not hold."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


class _Forms(HTMLParser):
    """Every <form>: its action and the values of its inputs (hidden ones included)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({"action": values.get("action") or "", "fields": {}})
        elif tag in {"input", "button"} and self.forms and values.get("name"):
            self.forms[-1]["fields"].setdefault(values["name"], values.get("value") or "")


def forms_of(page: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class AccessLog:
    """nginx's access log: which upstream served the request with a given X-Request-ID."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def upstream(self, request_id: str) -> str:
        pattern = re.compile(rf"upstream=(\S+) .*id={re.escape(request_id)}$")
        for _ in range(50):  # the line is written when the response ends
            for line in self.path.read_text().splitlines():
                if found := pattern.search(line):
                    return found.group(1)
            time.sleep(0.05)
        raise Failed(f"request {request_id} is not in nginx's access log")


class Browser:
    """One person's browser: cookies, CSRF token and Origin header like a real one."""

    def __init__(self, base: str, cacert: str, log: AccessLog, name: str) -> None:
        self.base, self.log, self.name = base, log, name
        self.http = httpx.Client(base_url=base, verify=cacert, timeout=60, follow_redirects=False)
        self.page: httpx.Response | None = None  # the last page ``form`` read

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def served_by(self, response: httpx.Response) -> str:
        # nginx adds its id to the portal's (the same id: the portal keeps a trusted proxy's).
        return self.log.upstream(response.headers["X-Request-ID"].split(",")[0].strip())

    def get_on(self, path: str, upstream: str) -> httpx.Response:
        """GET ``path`` until nginx's round-robin hands it to ``upstream`` (proved by the log)."""
        for _ in range(12):
            response = self.get(path)
            if self.served_by(response) == upstream:
                return response
        raise Failed(f"{path} never reached {upstream} in 12 round-robin turns")

    def post(
        self, path: str, data: dict[str, str], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        token = self.http.cookies.get("csrftoken") or ""
        return self.http.post(
            path,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Origin": self.base, "Referer": self.base + path, **(headers or {})},
        )

    def form(self, path: str, action_suffix: str) -> tuple[str, dict[str, str]]:
        page = self.page = self.get(path)
        expect(page.status_code == 200, f"{self.name}: GET {path} answered {page.status_code}")
        for form in forms_of(page.text):
            if html.unescape(form["action"]).endswith(action_suffix):
                return html.unescape(form["action"]), form["fields"]
        raise Failed(f"{self.name}: no form posting to …{action_suffix} on {path}")

    def sign_in(self, password: str, headers: dict[str, str] | None = None) -> str:
        _, fields = self.form("/accounts/login/", "")
        response = self.post(
            "/accounts/login/", {**fields, "username": self.name, "password": password}, headers
        )
        expect(
            response.status_code == 302,
            f"{self.name}: sign-in answered {response.status_code}, not a redirect",
        )
        return self.served_by(response)


def step(message: str) -> None:
    print(f"  ok  {message}", flush=True)


def backup_ids(page: str, project: str) -> set[str]:
    return set(re.findall(rf"/projects/{re.escape(project)}/backups/([\w-]+)/\"", page))


def journey(args: argparse.Namespace) -> None:
    log = AccessLog(Path(args.access_log))
    password = os.environ["PROD_CHECK_PASSWORD"]
    one, other = args.upstream
    people = {role: Browser(args.base, args.cacert, log, role) for role in ROLES}

    # 1. Everyone signs in through nginx and stores their Agiler token (validated by Agiler).
    served = set()
    for role, browser in people.items():
        # Support claims another address: with one trusted hop, only nginx's entry counts.
        forged = {"X-Forwarded-For": FORGED_IP} if role == "support" else None
        served.add(browser.sign_in(password, forged))
        action, fields = browser.form("/accounts/token/", "/accounts/token/")
        # The session made by the sign-in is read by whichever process serves the token page:
        # nginx's rotation alternates a browser's requests, so the page and the sign-in (or
        # the save) land on different processes.
        assert browser.page is not None
        served.add(browser.served_by(browser.page))
        saved = browser.post(action, {**fields, "token": SANDBOX_TOKENS[role]})
        expect(saved.status_code == 302, f"{role}: saving the token answered {saved.status_code}")
        served.add(browser.served_by(saved))
    expect(served == {one, other}, f"the sessions were served by {served}, not both processes")
    step("the four users signed in (CSRF, secure cookies) and saved tokens, on both processes")
    # The export carries each event's source address (the list reads as sentences).
    logins = people["admin"].get("/audit/export.csv?action=auth.login&actor=support")
    expect(logins.status_code == 200, f"the audit page answered {logins.status_code}")
    expect(
        "127.0.0.1" in logins.text and FORGED_IP not in logins.text,
        "support's sign-in is not recorded from nginx's address (X-Forwarded-For trusted too far)",
    )
    step(f"a forged X-Forwarded-For ({FORGED_IP}) is ignored: the audit log has the real address")

    # 2. The operator takes a backup through one process; the admin sees it, and its audit
    #    event, through the other.
    operator, admin = people["operator"], people["admin"]
    projects = operator.get("/projects/")
    expect(projects.status_code == 200, f"/projects/ answered {projects.status_code}")
    listed = re.findall(r'href="/projects/([\w-]+)/"', projects.text)
    project = next(name for name in listed if name != "new")
    backups_path = f"/projects/{project}/backups/"
    before = backup_ids(operator.get(backups_path).text, project)
    action, fields = operator.form(backups_path, "/take/")
    taken = operator.post(action, fields)
    expect(taken.status_code == 302, f"taking a backup answered {taken.status_code}")
    writer = operator.served_by(taken)
    reader = other if writer == one else one
    after = backup_ids(operator.get(backups_path).text, project)
    new = after - before
    expect(len(new) == 1, f"expected one new backup, found {sorted(new)}")
    (backup,) = new
    seen = admin.get_on(backups_path, reader)
    expect(backup in seen.text, f"the admin on {reader} does not see backup {backup}")
    # The export names the backup by id (the list reads as sentences, by time and kind).
    audit = admin.get_on("/audit/export.csv?action=backups.create", reader)
    expect(audit.status_code == 200, f"the audit export answered {audit.status_code}")
    expect(
        backup in audit.text and "operator" in audit.text,
        f"the audit page on {reader} lacks the operator's backup {backup}",
    )
    step(f"backup {backup} taken on {writer}; admin saw it and its audit event on {reader}")

    # 3. A dump downloads whole through nginx (streamed, unbuffered).
    detail = f"{backups_path}{backup}/"
    for _ in range(60):
        if f"{detail}database/" in operator.get(detail).text:
            break
        time.sleep(0.5)
    else:
        raise Failed(f"backup {backup} never offered its database dump")
    received = 0
    with operator.http.stream("GET", f"{detail}database/") as download:
        expect(download.status_code == 200, f"the download answered {download.status_code}")
        declared = download.headers.get("Content-Length")
        for chunk in download.iter_raw(1 << 20):
            received += len(chunk)
    expect(received > 0, "the dump was empty")
    if declared is not None:
        expect(received == int(declared), f"got {received} of {declared} bytes")
    if args.dump_size:
        expect(received == args.dump_size, f"got {received} bytes, the dump has {args.dump_size}")
    step(f"the database dump downloaded whole: {received:,} bytes")

    # 4. A role change made on one process is in force on the other at once.
    finance = people["finance"]
    expect(finance.get_on("/billing/", one).status_code == 200, "finance cannot open billing")
    action, fields = admin.form("/accounts/people/user/finance/", "/role/")
    changed = admin.post(action, {**fields, "role": "support"})
    expect(changed.status_code == 302, f"the role change answered {changed.status_code}")
    changed_on = admin.served_by(changed)
    elsewhere = other if changed_on == one else one
    refused = finance.get_on("/billing/", elsewhere)
    # A role change also ends the person's sessions (issue 15): signed out (302 to sign-in) or,
    # had the session survived, refused (403). Never billing.
    signed_out = refused.status_code == 302 and "/accounts/login" in refused.headers.get(
        "Location", ""
    )
    expect(
        refused.status_code == 403 or signed_out,
        f"demoted finance got {refused.status_code} on {elsewhere}",
    )
    restored = admin.post(action, {**fields, "role": "finance"})
    expect(restored.status_code == 302, "restoring the role failed")
    back_on = admin.served_by(restored)
    if signed_out:
        finance.sign_in(password, None)  # the role change ended the old session
    again = finance.get_on("/billing/", other if back_on == one else one)
    expect(again.status_code == 200, f"restored finance got {again.status_code}")
    step(f"role change on {changed_on} refused billing on {elsewhere} at once, and back")

    # 5. Concurrent audited writes from both processes (sign-ins and backups at once).
    errors: list[str] = []
    writers: list[str] = []
    lock = threading.Lock()

    def hammer(role: str, backups: bool) -> None:
        """Sign in, take a backup (if the role and token may), sign out: each one audited."""
        browser = Browser(args.base, args.cacert, log, role)
        try:
            for _ in range(args.writes):
                served = [browser.sign_in(password)]
                if backups:
                    action, fields = browser.form(backups_path, "/take/")
                    response = browser.post(action, fields)
                    expect(response.status_code == 302, f"backup answered {response.status_code}")
                    served.append(browser.served_by(response))
                action, fields = browser.form("/", "/accounts/logout/")
                response = browser.post(action, fields)
                expect(response.status_code == 302, f"sign-out answered {response.status_code}")
                served.append(browser.served_by(response))
                with lock:
                    writers.extend(served)
        except Exception as exc:  # reported below, not swallowed
            errors.append(f"{role}: {exc}")

    threads = [
        threading.Thread(target=hammer, args=(role, backups))
        for role, backups in (("admin", True), ("operator", True), ("support", False))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expect(not errors, "; ".join(errors))
    expect(set(writers) == {one, other}, f"concurrent writes reached only {set(writers)}")
    step(
        f"{len(writers)} audited writes at once: {writers.count(one)} on {one}, "
        f"{writers.count(other)} on {other}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="https://host:port of nginx")
    parser.add_argument("--cacert", required=True, help="the certificate nginx serves")
    parser.add_argument("--access-log", required=True)
    parser.add_argument("--upstream", action="append", required=True, help="host:port, twice")
    parser.add_argument("--dump-size", type=int, default=0, help="expected dump size in bytes")
    parser.add_argument("--writes", type=int, default=8, help="write rounds per concurrent user")
    args = parser.parse_args()
    if len(args.upstream) != 2:
        parser.error("give exactly two --upstream")
    try:
        journey(args)
    except (Failed, httpx.HTTPError, KeyError, IndexError) as exc:
        print(f"  FAILED  {exc!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
