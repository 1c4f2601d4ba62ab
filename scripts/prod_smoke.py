"""The smoke journey of `make prod-check` (scripts/prod.sh check): real HTTPS through nginx only.

Two portal processes sit behind nginx (round-robin, no sticky sessions). Which process answered a
request is read from nginx's own access log: every response carries nginx's ``X-Request-ID`` and
the log line with that id names the upstream (``upstream="127.0.0.1:PORT"``). Nothing is added to
the portal for this check. Where a step must land on the *other* process, the (read-only) request
is repeated until nginx's rotation puts it there, and the log proves it did.

Exit status 0 only if every step holds; each step prints one line.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROLES = ("admin", "operator", "finance", "support")
#: the sandbox's documented tokens (docs/sandbox.md) per portal role: the upstream's, not ours
SANDBOX_TOKENS = {
    "admin": "ak_sandbox_owner",
    "operator": "ak_sandbox_owner",
    "finance": "ak_sandbox_finance",
    "support": "ak_sandbox_support",
}


#: the portal's download CSPs (portal/lib/downloads.py), as the browser must receive them
DOWNLOAD_CSP = "sandbox; default-src 'none'"
INLINE_PDF_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"

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


#: one line of ``log_format portal`` (deploy/nginx/portal.conf.template)
LOG_LINE = re.compile(
    r'^\S+ \S+ "(?P<method>\S+) (?P<path>\S*)" (?P<status>\d+) (?P<bytes>\d+) \S+ '
    r'upstream="(?P<upstream>[^"]*)" upstream_time="[^"]*" done=(?P<done>\S*) '
    r"length=(?P<length>\S*) id=(?P<id>\S+)$"
)


class AccessLog:
    """nginx's access log: the line of the request with a given X-Request-ID."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def line(self, request_id: str) -> dict[str, str]:
        for _ in range(100):  # the line is written when the response ends
            for text in self.path.read_text().splitlines():
                found = LOG_LINE.match(text)
                if found and found.group("id") == request_id:
                    return found.groupdict()
            time.sleep(0.05)
        raise Failed(f"request {request_id} is not in nginx's access log")

    def upstream(self, request_id: str) -> str:
        """The portal process that answered (the first upstream of a handed-off download)."""
        return self.line(request_id)["upstream"].split(" : ")[0]


class Browser:
    """One person's browser: cookies, CSRF token and Origin header like a real one."""

    def __init__(self, base: str, cacert: str, log: AccessLog, name: str) -> None:
        self.base, self.log, self.name = base, log, name
        self.http = httpx.Client(base_url=base, verify=cacert, timeout=60, follow_redirects=False)
        self.page: httpx.Response | None = None  # the last page ``form`` read

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def served_by(self, response: httpx.Response) -> str:
        return self.log.upstream(request_id(response))

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


def request_id(response: httpx.Response) -> str:
    # nginx adds its id to the portal's (the same id: the portal keeps a trusted proxy's).
    return response.headers["X-Request-ID"].split(",")[0].strip()


#: what a download hand-off carries for nginx alone, and must never reach a browser
PRIVATE_HEADERS = ("X-Agiler-Authorization", "X-Portal-Disposition", "X-Accel-Redirect")


def fetch(browser: Browser, path: str) -> tuple[httpx.Response, bytes]:
    """GET ``path`` streamed to the end; the response (headers) and the bytes received."""
    digest = hashlib.sha256()
    received = 0
    with browser.http.stream("GET", path) as response:
        for chunk in response.iter_raw(1 << 20):
            received += len(chunk)
            digest.update(chunk)
    return response, digest.hexdigest().encode() + b":" + str(received).encode()


def agiler_digest(agiler: str, path: str, token: str) -> bytes:
    """The same file straight from Agiler (the sandbox): what the person must receive."""
    digest = hashlib.sha256()
    received = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", agiler + path, headers=headers, timeout=60) as response:
        expect(response.status_code == 200, f"Agiler answered {response.status_code} for {path}")
        for chunk in response.iter_raw(1 << 20):
            received += len(chunk)
            digest.update(chunk)
    return digest.hexdigest().encode() + b":" + str(received).encode()


def expect_no_credential(response: httpx.Response, token: str, what: str) -> None:
    """The hand-off's private headers, and the token in any header, never reach the client."""
    for name in (*PRIVATE_HEADERS, "Authorization"):
        expect(name not in response.headers, f"{what}: {name} reached the client")
    for name, value in response.headers.items():
        expect(token not in value, f"{what}: the Agiler token is in the {name} header")


def expect_download_headers(
    response: httpx.Response, *, content_type: str, disposition: str, csp: str, what: str
) -> None:
    headers = response.headers
    expect(headers.get("Content-Type") == content_type, f"{what}: Content-Type {headers}")
    expect(
        headers.get("Content-Disposition") == disposition,
        f"{what}: Content-Disposition {headers.get('Content-Disposition')!r}, not {disposition!r}",
    )
    expect(headers.get("Content-Security-Policy") == csp, f"{what}: CSP {headers}")
    expect(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: no nosniff")
    expect(headers.get("Cache-Control") == "private, no-store", f"{what}: Cache-Control {headers}")
    expect(
        len(headers.get_list("Content-Disposition")) == 1
        and len(headers.get_list("Content-Type")) == 1,
        f"{what}: Agiler's own type or name came along",
    )


def expect_handed_off(log: AccessLog, response: httpx.Response, agiler: str, what: str) -> None:
    """nginx's line for the download: the portal answered, then nginx fetched from Agiler
    itself and sent it all; the line carries the request id the portal audits under."""
    line = log.line(request_id(response))
    upstreams = line["upstream"].split(" : ")
    expect(
        len(upstreams) == 2 and upstreams[1] == agiler,
        f"{what} was not handed to nginx (upstreams {line['upstream']!r})",
    )
    expect(
        line["done"] == "OK" and line["bytes"] == line["length"],
        f"{what}: nginx did not send it whole ({line})",
    )


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

    # 3. A dump downloads whole through nginx: the portal asks Agiler, then hands the bytes to
    #    nginx (X-Accel-Redirect), which fetches and sends them itself.
    detail = f"{backups_path}{backup}/"
    for _ in range(60):
        if f"{detail}database/" in operator.get(detail).text:
            break
        time.sleep(0.5)
    else:
        raise Failed(f"backup {backup} never offered its database dump")
    downloads(args, log, people, project, backup, detail)

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


def downloads(
    args: argparse.Namespace,
    log: AccessLog,
    people: dict[str, Browser],
    project: str,
    backup: str,
    detail: str,
) -> None:
    """Backup dump, statement and files through the hand-off; the fallbacks and failures."""
    operator, admin, finance = people["operator"], people["admin"], people["finance"]
    owner = SANDBOX_TOKENS["operator"]
    agiler_path = f"/projects/{project}/backups/{backup}/database"
    download, got = fetch(operator, f"{detail}database/")
    expect(download.status_code == 200, f"the download answered {download.status_code}")
    expect(got == agiler_digest(args.agiler, agiler_path, owner), "the dump arrived altered")
    size = int(got.split(b":")[1])
    expect(size == int(download.headers["Content-Length"]), "fewer bytes than announced")
    if args.dump_size:
        expect(size == args.dump_size, f"got {size} bytes, the dump has {args.dump_size}")
    name = re.fullmatch(
        r'attachment; filename="([^"]+-database\.sql\.gz)"',
        download.headers.get("Content-Disposition", ""),
    )
    expect(name, f"the dump's name: {download.headers.get('Content-Disposition')!r}")
    assert name is not None
    expect_download_headers(
        download,
        content_type="application/gzip",
        disposition=f'attachment; filename="{name.group(1)}"',
        csp=DOWNLOAD_CSP,
        what="the dump",
    )
    expect_no_credential(download, owner, "the dump")
    agiler_host = args.agiler.split("//", 1)[1].split("/", 1)[0]
    expect_handed_off(log, download, agiler_host, "the dump")
    events = admin.get("/audit/export.jsonl?action=backups.download_database")
    row = next(
        (
            json.loads(text)
            for text in events.text.splitlines()
            if json.loads(text).get("portal_request_id") == request_id(download)
        ),
        None,
    )
    expect(row is not None, "the dump's audit event does not carry nginx's request id")
    assert row is not None
    expect(
        row["outcome"] == "success" and row["summary"].get("handed_off") is True,
        f"the dump's audit event says {row['outcome']} {row['summary']}",
    )
    listed = admin.get("/audit/?action=backups.download_database")
    expect("Handed to the web server to send" in listed.text, "the audit list lacks the outcome")
    step(
        f"the database dump: {size:,} bytes, whole, sent by nginx (portal, then {agiler_host} "
        "in its log line, all of its length, done=OK); the portal's headers and none of the "
        "credential at the client; audited as handed to the web server under nginx's request id"
    )

    # Agiler fails after the portal's check: nginx's page in words, not Agiler's JSON.
    faults = f"{args.agiler.rsplit('/v1', 1)[0]}/_sandbox/faults"
    rules = [  # the portal's check passes (a rule used up), nginx's fetch gets a 503
        {"operation": "download_backup_database", "latency_ms": 1, "times": 1},
        {"operation": "download_backup_database", "status": 503, "times": 1},
    ]
    expect(httpx.post(faults, json=rules).status_code == 201, "could not add the sandbox faults")
    try:
        failed = operator.get(f"{detail}database/")
    finally:
        httpx.delete(faults)
    expect(failed.status_code == 502, f"a failure after the hand-off answered {failed.status_code}")
    expect(
        failed.headers.get("Content-Type", "").startswith("text/plain")
        and "Content-Disposition" not in failed.headers,
        f"the failure page is not a plain page: {failed.headers}",
    )
    expect(
        "could not be sent" in failed.text and request_id(failed) in failed.text,
        f"the failure page does not say what happened: {failed.text[:200]!r}",
    )
    expect("{" not in failed.text, f"Agiler's JSON reached the person: {failed.text[:200]!r}")
    expect(failed.headers.get("Content-Security-Policy"), "the failure page has no CSP")
    expect_no_credential(failed, owner, "the failure page")
    step("Agiler failing after the hand-off: a plain 502 page in words, no file name, no JSON")

    # Agiler breaking off mid-stream: the person gets fewer bytes than announced, and nginx's
    # log line (what the audit row points to) shows it.
    rules = [
        {"operation": "download_backup_database", "latency_ms": 1, "times": 1},
        {"operation": "download_backup_database", "truncate_after_bytes": 1 << 20, "times": 1},
    ]
    expect(httpx.post(faults, json=rules).status_code == 201, "could not add the sandbox faults")
    received = 0
    try:
        with operator.http.stream("GET", f"{detail}database/") as cut:
            try:
                for chunk in cut.iter_raw(1 << 20):
                    received += len(chunk)
            except httpx.HTTPError:
                pass  # the connection ended before the announced length: what a browser sees
    finally:
        httpx.delete(faults)
    expect(cut.status_code == 200, f"the cut download answered {cut.status_code}")
    announced = int(cut.headers["Content-Length"])
    expect(received < announced, f"a download Agiler cut arrived whole ({received} bytes)")
    line = log.line(request_id(cut))
    expect(
        int(line["bytes"]) < int(line["length"]) == announced,
        f"nginx's log line does not show the cut download: {line}",
    )
    step(
        f"Agiler breaking off after {received:,} of {announced:,} bytes: the person's download "
        f"is short, and nginx's log line says {line['bytes']} of length={line['length']}"
    )

    # The statement, shown inline as a PDF (its own CSP), handed off too.
    listing = finance.get("/billing/statements/")
    periods = re.findall(r"/billing/statements/(\d{4}-\d{2})\.pdf", listing.text)
    expect(periods, "finance sees no statement to download")
    statement, got = fetch(finance, f"/billing/statements/{periods[0]}.pdf")
    expect(statement.status_code == 200, f"the statement answered {statement.status_code}")
    expect(
        got
        == agiler_digest(
            args.agiler, f"/users/me/billing/statements/{periods[0]}", SANDBOX_TOKENS["finance"]
        ),
        "the statement arrived altered",
    )
    expect_download_headers(
        statement,
        content_type="application/pdf",
        disposition=f'inline; filename="agiler-statement-{periods[0]}.pdf"',
        csp=INLINE_PDF_CSP,
        what="the statement",
    )
    expect_no_credential(statement, SANDBOX_TOKENS["finance"], "the statement")
    expect_handed_off(log, statement, agiler_host, "the statement")
    step(f"the {periods[0]} statement: whole, inline PDF with its CSP, sent by nginx")

    # Files with non-ASCII names: sent by nginx; a name nginx would rewrite ("%", "?") stays
    # with the portal's relay, whole and named the same.
    for name, handed in (("Café résumé (1).txt", True), ("100% sure?.txt", False)):
        body = (name * 5000).encode()
        token = operator.http.cookies.get("csrftoken") or ""
        put = operator.http.post(
            f"/projects/{project}/file/upload/?name={quote(name)}&replace=1",
            content=body,
            headers={
                "X-CSRFToken": token,
                "Origin": args.base,
                "Content-Type": "application/octet-stream",
            },
        )
        expect(put.status_code == 200, f"uploading {name!r} answered {put.status_code}")
        sent, got = fetch(operator, f"/projects/{project}/file/download/{quote(name)}")
        expect(sent.status_code == 200, f"{name!r} answered {sent.status_code}")
        expect(
            got == hashlib.sha256(body).hexdigest().encode() + b":" + str(len(body)).encode(),
            f"{name!r} arrived altered",
        )
        fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in name)
        expect_download_headers(
            sent,
            content_type="application/octet-stream",
            disposition=f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name, safe='')}",
            csp=DOWNLOAD_CSP,
            what=repr(name),
        )
        expect_no_credential(sent, owner, repr(name))
        line = log.line(request_id(sent))
        expect(
            line["done"] == "OK" and line["bytes"] == line["length"] == str(len(body)),
            f"{name!r}: nginx did not send it whole ({line})",
        )
        if handed:
            expect_handed_off(log, sent, agiler_host, repr(name))
        else:
            expect(" : " not in line["upstream"], f"{name!r} was handed off: {line}")
    step(
        "files named “Café résumé (1).txt” (sent by nginx) and “100% sure?.txt” (relayed by "
        "the portal: nginx would rewrite that address): whole, same names"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="https://host:port of nginx")
    parser.add_argument("--cacert", required=True, help="the certificate nginx serves")
    parser.add_argument("--access-log", required=True)
    parser.add_argument("--upstream", action="append", required=True, help="host:port, twice")
    parser.add_argument("--dump-size", type=int, default=0, help="expected dump size in bytes")
    parser.add_argument(
        "--agiler", required=True, help="the sandbox's API base URL (faults enabled)"
    )
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
