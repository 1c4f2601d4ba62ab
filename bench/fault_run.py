"""The fault run: the deployed shape of the portal driven through its real pages while Agiler
misbehaves, then the portal's claims, the sandbox's record of applied writes and the audit log
compared (issue 15).

What it starts, all on 127.0.0.1 and stopped at the end:

* the Agiler sandbox over HTTP with faults on every API path: ≈10 % 5xx (half of them after the
  write was applied), ≈5 % 429, ≈2 % dropped connections (half after applying), and a share of
  the backup and statement downloads cut short or slowed (≈1 % of all upstream requests);
* a fresh PostgreSQL database (created and dropped here), migrated and seeded with the demo users;
* the portal under gunicorn with ``PORTAL_DEBUG=false``, two worker processes on that database.

Then four users (admin, operator, finance, support; ``--users-per-role`` of each) act at once
through the real pages: page loads, every kind of write their role has (take a backup, backup
policy, rule on/off, budget, dismiss a notification), downloads, and double submits of one form,
until ``--actions`` are done or ``--seconds`` have passed. Finally it prints:

* portal 5xx — answers of 500 or a broken connection from the portal itself (an upstream failure
  explained on a 502/503/504 page is counted separately: that is the portal doing its job);
* duplicate upstream writes — an idempotency key Agiler applied more than once;
* actions without an audit outcome — writes the portal answered for, or intents, with no outcome;
* outcomes that disagree — the page or the audit log said "done" for a write Agiler never
  applied, or "failed" for one it did ("not sure" agrees with either); downloads the browser
  received whole/broken against the audit's completed/incomplete rows;
* ``verify_audit_log``.

    .venv/bin/python bench/fault_run.py --actions 10000           # the full run
    .venv/bin/python bench/fault_run.py --actions 500 --seconds 150  # CI's short run

Exit status 1 if any count is not zero or the chain does not verify. The PostgreSQL server comes
from ``--database-url`` (default ``$FAULT_RUN_DATABASE_URL``, else postgres@127.0.0.1:5432); its
role needs CREATEDB.
"""

from __future__ import annotations

import argparse
import base64
import html.parser
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
UNSURE = "Not sure — may have been applied"
PASSWORD = "agiler-demo"
ROLES = ("admin", "operator", "finance", "support")


# --- the faults --------------------------------------------------------------------------------


def fault_rules() -> list[dict[str, Any]]:
    """First match wins; each rule takes its share of what reaches it."""
    return [
        # Downloads: 1 in 6 cut short after some bytes or slowed (≈1 % of upstream requests).
        {"path": r"/backups/[^/]+/database$", "truncate_after_bytes": 40_000, "probability": 0.1},
        {"path": r"/statements/", "slow_stream_bytes_per_s": 200_000, "probability": 0.1},
        # ≈10 % 5xx: half before anything is applied, half after the write was applied.
        {"path": "^/v1/", "status": 503, "probability": 0.05},
        {"path": "^/v1/", "status": 502, "after_send": True, "probability": 0.053},
        # ≈5 % 429 with a short Retry-After.
        {"path": "^/v1/", "status": 429, "retry_after": 1, "probability": 0.055},
        # ≈2 % dropped connections, half after the write was applied.
        {"path": "^/v1/", "drop_connection": True, "probability": 0.0105},
        {"path": "^/v1/", "drop_connection": True, "after_send": True, "probability": 0.0105},
    ]


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up within {seconds} s")


@dataclass
class Stack:
    sandbox_url: str
    portal_url: str
    database_url: str
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    drop_database: Any = None

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.drop_database:
            self.drop_database()


def start(args: argparse.Namespace, workdir: Path) -> Stack:
    import psycopg

    server = urllib.parse.urlsplit(args.database_url)
    name = f"portal_fault_harden_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    database_url = urllib.parse.urlunsplit(server._replace(path=f"/{name}"))
    sandbox_port, portal_port = free_port(), free_port()
    faults = workdir / "faults.json"
    faults.write_text(json.dumps(fault_rules()))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AGILER_API_URL": f"http://127.0.0.1:{sandbox_port}/v1",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
        "PORTAL_TOKEN_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "PORTAL_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "PORTAL_AUDIT_CHECKPOINT": str(workdir / "checkpoints.jsonl"),
        "PORTAL_STATIC_ROOT": str(workdir / "static"),
        "PORTAL_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_SECURE_COOKIES": "false",
        "PORTAL_SSL_REDIRECT": "false",
        "PORTAL_LOGIN_THROTTLING": "false",
        "PORTAL_LOG_LEVEL": "WARNING",
        "AGILER_TIMEOUT_READ": "10",
        "GUNICORN_BIND": f"127.0.0.1:{portal_port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "8",
        "GUNICORN_TIMEOUT": "60",
    }
    env["PORTAL_DEBUG"] = "false"  # as deployed
    stack = Stack(
        f"http://127.0.0.1:{sandbox_port}",
        f"http://127.0.0.1:{portal_port}",
        database_url,
        env,
        drop_database=drop,
    )
    try:
        log = (workdir / "sandbox.log").open("wb")
        stack.processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "agiler_sandbox", "--port", str(sandbox_port), "--faults",
                 str(faults), "--backup-seconds", "1", "--dump-size", "200KB"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        wait_for(f"{stack.sandbox_url}/status")
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        # DEBUG off serves hashed static files from STATIC_ROOT, as a deployment does.
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [*manage, "seed_demo"],
            cwd=ROOT,
            env={**env, "PORTAL_DEBUG": "true"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log = (workdir / "portal.log").open("wb")
        stack.processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        wait_for(f"{stack.portal_url}/healthz")
    except BaseException:
        stack.stop()
        raise
    return stack


# --- the users ---------------------------------------------------------------------------------


class Forms(html.parser.HTMLParser):
    """Every form of a page: action, method and the fields it would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
            self._form["fields"] = []
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"].append((self._select, a.get("value", "")))
            self._select = None
        elif tag == "textarea" and a.get("name"):
            self._form["fields"].append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def parse(page: str) -> Forms:
    forms = Forms()
    forms.feed(page)
    return forms


@dataclass
class Tally:
    """What happened, shared by every user thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    actions: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    portal_5xx: list[str] = field(default_factory=list)
    #: idempotency key → the portal's claims for it ("done", "unsure", "failed")
    claims: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    downloads: Counter[str] = field(default_factory=Counter)

    def count(self, kind: str, status: int | None, where: str) -> None:
        with self.lock:
            self.actions[kind] += 1
            if status is not None:
                self.statuses[status] += 1
            if status is None or status == 500:
                self.portal_5xx.append(f"{kind} {where} → {status or 'connection broken'}")

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.actions.values())


class User(threading.Thread):
    def __init__(
        self, role: str, stack: Stack, tally: Tally, stop_at: float, goal: int, seed: int
    ) -> None:
        super().__init__(daemon=True)
        self.role, self.stack, self.tally = role, stack, tally
        self.stop_at, self.goal = stop_at, goal
        self.rand = random.Random(seed)
        self.http = httpx.Client(base_url=stack.portal_url, timeout=60, follow_redirects=False)
        self.projects: list[str] = []

    # -- plumbing
    def get(self, url: str, kind: str = "page") -> httpx.Response | None:
        try:
            response = self.http.get(url)
        except httpx.HTTPError:
            self.tally.count(kind, None, url)
            return None
        self.tally.count(kind, response.status_code, url)
        return response

    def post(self, url: str, data: list[tuple[str, str]], kind: str) -> httpx.Response | None:
        form: dict[str, list[str]] = defaultdict(list)
        for name, value in data:
            form[name].append(value)
        try:
            response = self.http.post(url, data=form, headers={"Referer": self.stack.portal_url})
        except httpx.HTTPError:
            self.tally.count(kind, None, url)
            return None
        self.tally.count(kind, response.status_code, url)
        return response

    def claim(self, key: str, response: httpx.Response | None) -> None:
        if response is None or UNSURE in response.text:
            verdict = "unsure"
        elif response.status_code in (200, 302, 303):
            verdict = "done"
        else:
            verdict = "failed"
        with self.tally.lock:
            self.tally.claims[key].append(verdict)

    def login(self) -> None:
        page = self.http.get("/accounts/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        answer = self.http.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token.group(1), "username": self.role,
                  "password": PASSWORD},
            headers={"Referer": self.stack.portal_url},
        )  # fmt: skip
        assert answer.status_code == 302, f"{self.role} could not sign in ({answer.status_code})"

    def form_on(self, page_url: str, action_part: str) -> tuple[str, list[tuple[str, str]]] | None:
        response = self.get(page_url)
        if response is None or response.status_code != 200:
            return None
        for form in parse(response.text).forms:
            if form["method"] == "post" and action_part in form["action"]:
                return form["action"], list(form["fields"])
        return None

    def submit(self, page_url: str, action_part: str, kind: str, change: Any = None) -> None:
        found = self.form_on(page_url, action_part)
        if found is None:
            return
        action, fields = found
        if change is not None:
            fields = change(fields)
        key = dict(fields).get("idempotency_key", "")
        if key and self.rand.random() < 0.1:
            # A double submit: the same form (same key) sent twice at once.
            results: list[httpx.Response | None] = []
            twin = threading.Thread(target=lambda: results.append(self.post(action, fields, kind)))
            twin.start()
            results.append(self.post(action, fields, kind + " (double)"))
            twin.join()
            for response in results:
                self.claim(key, response)
            return
        response = self.post(action, fields, kind)
        if key:
            self.claim(key, response)

    def download(self, url: str) -> None:
        try:
            with self.http.stream("GET", url) as response:
                declared = response.headers.get("content-length")
                received = 0
                try:
                    for chunk in response.iter_bytes():
                        received += len(chunk)
                except httpx.HTTPError:
                    pass
        except httpx.HTTPError:
            self.tally.count("download", None, url)
            return
        self.tally.count("download", response.status_code, url)
        if response.status_code == 200:
            whole = declared is not None and received == int(declared)
            with self.tally.lock:
                self.tally.downloads["whole" if whole else "broken"] += 1
        else:
            with self.tally.lock:
                self.tally.downloads["refused before the first byte"] += 1

    # -- the roles' actions
    def project(self) -> str | None:
        if not self.projects:
            response = self.get("/projects/")
            if response is None or response.status_code != 200:
                return None
            ids = re.findall(r'href="/projects/([0-9a-f-]{36})/"', response.text)
            self.projects = sorted(set(ids))[:3]
        return self.rand.choice(self.projects) if self.projects else None

    def act(self) -> None:
        role, r = self.role, self.rand.random()
        if role == "finance":
            if r < 0.5:
                self.get(self.rand.choice(["/", "/billing/", "/billing/transactions/",
                                           "/billing/statements/", "/audit/"]))  # fmt: skip
            elif r < 0.85:
                amount = str(self.rand.randint(100, 5000))
                self.submit(
                    "/billing/budget/",
                    "/billing/budget/",
                    "write: budget",
                    lambda f: [(k, amount if k == "monthly_budget" else v) for k, v in f],
                )
            else:
                page = self.get("/billing/statements/")
                links = (
                    re.findall(r'href="(/billing/statements/[0-9-]+\.pdf[^"]*)"', page.text)
                    if page is not None
                    else []
                )  # noqa: E501
                if links:
                    self.download(self.rand.choice(links).replace("&amp;", "&"))
            return
        project = self.project()
        if project is None:
            self.get("/")
            return
        base = f"/projects/{project}"
        if role == "support":
            if r < 0.6:
                self.get(self.rand.choice(["/", f"{base}/", f"{base}/backups/", f"{base}/rules/",
                                           "/notifications/", "/audit/"]))  # fmt: skip
            elif r < 0.8:
                self.submit(f"{base}/backups/", "/backups/take/", "write: take backup")
            else:
                self.submit("/notifications/", "/dismiss/", "write: dismiss notification")
            return
        # admin and operator
        if r < 0.45:
            pages = ["/", f"{base}/", f"{base}/backups/", f"{base}/rules/", "/audit/"]
            if role == "admin":
                pages.append("/accounts/people/")
            self.get(self.rand.choice(pages))
        elif r < 0.6:
            self.submit(f"{base}/backups/", "/backups/take/", "write: take backup")
        elif r < 0.72:
            days = self.rand.randint(1, 7)

            def policy(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
                values = {"frequency_days": str(days), "retention_days": str(days * 4)}
                return [(k, values.get(k, v)) for k, v in fields]

            self.submit(f"{base}/backups/policy/", "/backups/policy/", "write: backup policy",
                        policy)  # fmt: skip
        elif r < 0.9:
            self.submit(f"{base}/rules/", "/active/", "write: rule on/off")
        else:
            page = self.get(f"{base}/backups/")
            links = (
                re.findall(r'href="(/projects/[^"]+/database/)"', page.text)
                if page is not None
                else []
            )  # noqa: E501
            if links:
                self.download(self.rand.choice(links[:5]))

    def run(self) -> None:
        self.login()
        while time.monotonic() < self.stop_at and self.tally.total < self.goal:
            self.act()


# --- the comparison ----------------------------------------------------------------------------


def compare(stack: Stack, tally: Tally) -> dict[str, Any]:
    import psycopg

    journal = httpx.get(f"{stack.sandbox_url}/_sandbox/writes", timeout=30).json()
    applied = Counter(w["key"] for w in journal["applied"] if w["key"])
    with psycopg.connect(stack.database_url) as conn:
        rows = conn.execute(
            "SELECT id, idempotency_key, outcome, intent_id, action, summary_json "
            "FROM audit_auditevent"
        ).fetchall()
    outcomes: dict[str, list[str]] = defaultdict(list)
    completed_intents = {row[3] for row in rows if row[3] is not None}
    intents = {row[0] for row in rows if row[2] == "intent"}
    downloads = Counter()
    for _id, key, outcome, _intent, action, summary in rows:
        if key and outcome != "intent":
            outcomes[key].append(outcome)
        if ".download" in action and outcome != "intent":
            done = json.loads(summary or "{}").get("completed")
            downloads["whole" if outcome == "success" and done else "broken"] += 1

    def merged(values: list[str], done: str, unsure: str) -> str:
        if done in values:
            return "done"
        return "unsure" if unsure in values else "failed"

    disagree: list[str] = []
    missing: list[str] = [f"intent #{i} has no outcome" for i in intents - completed_intents]
    for key, claims in tally.claims.items():
        claim = merged(claims, "done", "unsure")
        if key not in outcomes and claim != "failed":
            missing.append(f"key {key}: the page said {claim}, the audit log has no outcome")
        audit = merged(outcomes.get(key, []), "success", "unknown") if key in outcomes else None
        upstream = key in applied
        for who, said in (("page", claim), ("audit", audit)):
            if said == "done" and not upstream:
                disagree.append(f"key {key}: the {who} said done, Agiler applied nothing")
            if said == "failed" and upstream:
                disagree.append(f"key {key}: the {who} said failed, Agiler applied it")
    browser_whole = tally.downloads["whole"]
    browser_broken = tally.downloads["broken"]
    download_mismatch = abs(browser_whole - downloads["whole"])
    if download_mismatch:
        disagree.append(
            f"downloads: the browser got {browser_whole} whole / {browser_broken} broken, the "
            f"audit says {downloads['whole']} completed / {downloads['broken']} incomplete"
        )
    checkpoints = stack.env["PORTAL_AUDIT_CHECKPOINT"]
    verify = subprocess.run(
        [PYTHON, "manage.py", "verify_audit_log", "--checkpoint", checkpoints],
        cwd=ROOT, env=stack.env, capture_output=True, text=True,
    )  # fmt: skip
    return {
        "duplicates": {k: n for k, n in applied.items() if n > 1},
        "missing": missing,
        "disagree": disagree,
        "applied": len(journal["applied"]),
        "replays": journal["replays"],
        "audit_rows": len(rows),
        "audit_downloads": downloads,
        "unsure_keys": sum(1 for c in tally.claims.values() if "unsure" in c),
        "verify": (verify.returncode, (verify.stdout + verify.stderr).strip()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=1200)
    parser.add_argument("--users-per-role", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("FAULT_RUN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )  # fmt: skip
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fault-run-") as tmp:
        workdir = Path(tmp)
        stack = start(args, workdir)
        try:
            # One checkpoint before the traffic; verify_audit_log compares against it at the end.
            subprocess.run([PYTHON, "manage.py", "audit_checkpoint"], cwd=ROOT, env=stack.env,
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            tally = Tally()
            started = time.monotonic()
            stop_at = started + args.seconds
            users = [
                User(role, stack, tally, stop_at, args.actions, args.seed * 100 + i * 10 + n)
                for i, role in enumerate(ROLES)
                for n in range(args.users_per_role)
            ]
            for user in users:
                user.start()
            for user in users:
                user.join()
            elapsed = time.monotonic() - started
            subprocess.run([PYTHON, "manage.py", "audit_checkpoint"], cwd=ROOT, env=stack.env,
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            result = compare(stack, tally)
        finally:
            stack.stop()
            portal_log = (workdir / "portal.log").read_text(errors="replace")
    return report(args, tally, result, elapsed, portal_log)


def report(
    args: argparse.Namespace, tally: Tally, result: dict[str, Any], elapsed: float, log: str
) -> int:
    total = sum(tally.actions.values())
    print(f"# Fault run: {total} portal actions in {elapsed:.0f} s "
          f"({total / max(elapsed, 0.001):.1f}/s), {len(ROLES) * args.users_per_role} users, "
          f"gunicorn 2 processes on PostgreSQL")  # fmt: skip
    print()
    print("| action | count |\n| --- | ---: |")
    for kind, n in sorted(tally.actions.items()):
        print(f"| {kind} | {n} |")
    print()
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
    print(f"Portal answers by status: {statuses}")
    print(f"Writes applied upstream: {result['applied']} (idempotent replays: {result['replays']});"
          f" keys the page called not sure: {result['unsure_keys']}")  # fmt: skip
    print(
        f"Downloads seen by the browser: {dict(tally.downloads)}; "
        f"audited: {dict(result['audit_downloads'])}"
    )
    tracebacks = log.count("Traceback (most recent call last)")
    counts = {
        "portal 5xx": len(tally.portal_5xx),
        "duplicate upstream writes": len(result["duplicates"]),
        "actions without an audit outcome": len(result["missing"]),
        "outcomes that disagree with upstream": len(result["disagree"]),
    }
    print()
    print("| check | count |\n| --- | ---: |")
    for name, n in counts.items():
        print(f"| {name} | {n} |")
    code, output = result["verify"]
    print(f"| verify_audit_log --checkpoint | {'intact' if code == 0 else 'FAILED'} |")
    print()
    print(output)
    print(f"(tracebacks in the portal's log: {tracebacks})")
    for title, items in (
        ("portal 5xx", tally.portal_5xx),
        ("duplicates", [f"{k} ×{n}" for k, n in result["duplicates"].items()]),
        ("without outcome", result["missing"]),
        ("disagreeing", result["disagree"]),
    ):
        for item in items[:10]:
            print(f"  {title}: {item}")
    failed = any(counts.values()) or code != 0 or total == 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
