"""Lazily generated per-project demo data: backups, domains, variables, files, logs, SQL, rules.

Each project draws from its own ``Random(f"{seed}:{project.id}")`` so the data is the same no
matter which project is opened first.
"""

from __future__ import annotations

import copy
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from .catalog import TEMPLATES
from .http import rfc3339
from .state import FileNode, Project, ProjectData, State

POSTS = [
    "Hello world!",
    "Our spring collection is here",
    "Behind the scenes: the new office",
    "10 tips for faster WordPress sites",
    "Meet the team",
    "Privacy Policy",
    "Sample Page",
    "Release notes 2.4",
    "Customer story: Globex",
    "We are hiring",
]
LOG_TEMPLATES = [
    ("info", 'GET {path} 200 {ms}ms "{ua}"'),
    ("info", 'GET {path} 304 {ms}ms "{ua}"'),
    ("info", 'POST /wp-admin/admin-ajax.php 200 {ms}ms "{ua}"'),
    ("notice", "GET {path} 301 {ms}ms redirect to https"),
    (
        "warning",
        'PHP Warning:  Undefined array key "{key}" in /var/www/html/wp-content/'
        "themes/twentytwentyfour/functions.php on line {line}",
    ),
    ("warning", "GET /xmlrpc.php 403 {ms}ms blocked by rule"),
    (
        "error",
        "PHP Fatal error:  Allowed memory size of 268435456 bytes exhausted in "
        "/var/www/html/wp-includes/class-wpdb.php on line {line}",
    ),
    ("error", "GET {path} 502 {ms}ms upstream timed out"),
    ("debug", "object cache miss for key {key}"),
]
PATHS = [
    "/",
    "/blog/",
    "/shop/",
    "/wp-login.php",
    "/wp-json/wp/v2/posts",
    "/about/",
    "/feed/",
    "/wp-content/uploads/2024/05/hero.jpg",
    "/contact/",
]
AGENTS = [
    "Mozilla/5.0 (Macintosh)",
    "Mozilla/5.0 (Windows NT 10.0)",
    "curl/8.5.0",
    "Googlebot/2.1",
    "WordPress/6.5",
]


def generate_project_data(state: State, project: Project) -> ProjectData:
    """Build the demo sub-resources of ``project``."""
    rng = random.Random(f"{state.settings.seed}:{project.id}")
    large = state.settings.scale == "large"
    data = ProjectData(usage_seed=rng.getrandbits(32))
    data.policy = {
        "frequency_days": rng.choice([1, 1, 1, 7, 0]),
        "retention_days": rng.choice([7, 30, 30, 90]),
    }
    data.backups = _backups(state, rng, project, days=30 if large else 90)
    data.domains = _domains(state, rng, project)
    data.variables = _variables(state, rng)
    data.files = demo_files(state, project)
    data.logs = _logs(state, rng, 100_000 if large else 300)
    data.tables = demo_tables(state, rng, project)
    data.rules = _rules(state, rng)
    data.statements = _statements(state, rng, project)
    return data


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _backups(state: State, rng: random.Random, project: Project, days: int) -> list[dict[str, Any]]:
    out = []
    db_size = rng.randint(8, 80) * 1_048_576
    storage = rng.randint(50, 900) * 1_048_576
    start = max(project.created_at, state.ago(days=days))
    moment = state.anchor.replace(hour=3) - timedelta(days=1)
    while moment > start:
        out.append(_backup(rng, moment, True, project.runtime, db_size, storage, state))
        if rng.random() < 0.07:
            manual = moment + timedelta(hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
            out.append(_backup(rng, manual, False, project.runtime, db_size, storage, state))
        db_size += rng.randint(-40_000, 120_000)
        storage += rng.randint(0, 2_000_000)
        moment -= timedelta(days=1)
    out.sort(key=lambda b: b["created_at"], reverse=True)
    return out  # newest first


def _backup(
    rng: random.Random,
    when: datetime,
    automatic: bool,
    runtime: str,
    db: int,
    storage: int,
    state: State,
) -> dict[str, Any]:
    if state.settings.dump_size is not None:
        db = state.settings.dump_size
    return {
        "id": _uid(rng),
        "automatic": automatic,
        "created_at": rfc3339(when),
        "runtime": runtime,
        "database_size": db,
        "storage_size": storage,
        "size": db + storage,
        "_started": None,
        "_final": "done",
    }


def _domains(state: State, rng: random.Random, project: Project) -> list[dict[str, Any]]:
    base = f"{project.name}.example"
    names = [(f"www.{base}", True), (base, False)]
    if project.index % 3 == 0:
        names.append((f"*.{base}", False))
    if project.index % 4 == 1:
        names.append((f"shop.{base}", False))
    return [
        {
            "id": _uid(rng),
            "name": name,
            "primary": primary,
            "created_at": rfc3339(project.created_at + timedelta(hours=i)),
        }
        for i, (name, primary) in enumerate(names)
    ]


def _variables(state: State, rng: random.Random) -> list[dict[str, Any]]:
    specs = [
        ("WP_ENV", "production", False),
        ("WP_DEBUG", "false", False),
        ("SMTP_HOST", "smtp.mailgun.org", False),
        ("SMTP_PASSWORD", f"pw-{rng.getrandbits(40):010x}", True),
        ("STRIPE_SECRET_KEY", f"sk_live_{rng.getrandbits(96):024x}", True),
    ]
    return [{"id": _uid(rng), "name": n, "value": v, "sensitive": s} for n, v, s in specs]


def demo_files(state: State, project: Project) -> dict[str, FileNode]:
    """A small WordPress tree, with a name with spaces, a non-ASCII name and an empty dir."""
    when = project.updated_at
    contents: dict[str, bytes] = {
        "index.php": (
            b"<?php\ndefine('WP_USE_THEMES', true);\nrequire __DIR__ . '/wp-blog-header.php';\n"
        ),
        ".htaccess": (
            b"# BEGIN WordPress\nRewriteEngine On\n"
            b"RewriteRule ^index\\.php$ - [L]\n# END WordPress\n"
        ),
        "wp-config.php": (
            "<?php\ndefine('DB_NAME', getenv('DB_NAME'));\n"
            f"define('WP_HOME', 'https://www.{project.name}.example');\n"
            "$table_prefix = 'wp_';\nrequire_once ABSPATH . 'wp-settings.php';\n"
        ).encode(),
        "wp-content/themes/twentytwentyfour/style.css": (
            b"/*\nTheme Name: Twenty Twenty-Four\nVersion: 1.1\n*/\nbody { margin: 0; }\n"
        ),
        "wp-content/themes/twentytwentyfour/functions.php": (
            b"<?php\nadd_action('after_setup_theme', function () {});\n"
        ),
        "wp-content/plugins/akismet/akismet.php": b"<?php\n/* Plugin Name: Akismet */\n",
        "wp-content/uploads/2024/05/Team photo.jpg": b"\xff\xd8\xff\xe0"
        + b"\x00JFIF"
        + b"\0" * 512,
        "wp-content/uploads/2024/05/Café menü.pdf": b"%PDF-1.4\n% demo upload\n%%EOF\n",
        "robots.txt": b"User-agent: *\nDisallow: /wp-admin/\n",
    }
    tree: dict[str, FileNode] = {"wp-content/cache": FileNode(True, when)}
    for path, data in contents.items():
        tree[path] = FileNode(False, when, data)
        parts = path.split("/")
        for i in range(1, len(parts)):
            tree.setdefault("/".join(parts[:i]), FileNode(True, when))
    return tree


def _logs(state: State, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Newest first, spread over the last 7 days."""
    span = 7 * 24 * 3600
    stamps = sorted(rng.random() * span for _ in range(count))
    out = []
    for offset in stamps:
        priority, template = LOG_TEMPLATES[min(int(rng.random() ** 2.2 * 9), 8)]
        message = template.format(
            path=rng.choice(PATHS),
            ms=rng.randint(3, 900),
            ua=rng.choice(AGENTS),
            key=f"k{rng.randint(1, 99)}",
            line=rng.randint(10, 400),
        )
        out.append(
            {
                "timestamp": rfc3339(state.ago(seconds=offset)),
                "priority": priority,
                "message": message,
                "request_id": _uid(rng),
            }
        )
    return out


def demo_tables(state: State, rng: random.Random, project: Project) -> dict[str, dict[str, Any]]:
    """The fake WordPress tables (wp_users, wp_posts, wp_options) behind the SQL console."""
    users = [
        [1, "admin", f"admin@{project.name}.example", "Site Admin", "2022-03-01 10:00:00"],
        [2, "editor", f"editor@{project.name}.example", "Eddie Editor", "2023-01-15 09:30:00"],
        [3, "müller", f"mueller@{project.name}.example", "Jörg Müller", "2024-02-02 14:12:00"],
    ]
    posts = []
    for i, title in enumerate(POSTS, start=1):
        day = state.ago(days=400 - i * 35).strftime("%Y-%m-%d %H:%M:%S")
        kind = "page" if title in ("Privacy Policy", "Sample Page") else "post"
        status = "draft" if i % 4 == 0 else "publish"
        posts.append([i, title, status, kind, day, rng.randint(1, 3)])
    options = [
        [1, "siteurl", f"https://www.{project.name}.example", "yes"],
        [2, "home", f"https://www.{project.name}.example", "yes"],
        [3, "blogname", project.name.replace("-", " ").title(), "yes"],
        [4, "admin_email", f"admin@{project.name}.example", "yes"],
        [5, "template", "twentytwentyfour", "yes"],
        [6, "permalink_structure", "/%postname%/", "yes"],
        [7, "active_plugins", 'a:1:{i:0;s:19:"akismet/akismet.php";}', "yes"],
    ]
    return {
        "wp_users": {
            "columns": ["ID", "user_login", "user_email", "display_name", "user_registered"],
            "types": ["bigint", "varchar(60)", "varchar(100)", "varchar(250)", "datetime"],
            "rows": users,
        },
        "wp_posts": {
            "columns": ["ID", "post_title", "post_status", "post_type", "post_date", "post_author"],
            "types": ["bigint", "text", "varchar(20)", "varchar(20)", "datetime", "bigint"],
            "rows": posts,
        },
        "wp_options": {
            "columns": ["option_id", "option_name", "option_value", "autoload"],
            "types": ["bigint", "varchar(191)", "longtext", "varchar(20)"],
            "rows": options,
        },
    }


def _rules(state: State, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i, template in enumerate(TEMPLATES[:3]):
        created = rfc3339(state.ago(days=60 - i * 7))
        out.append(
            {
                "id": _uid(rng),
                "name": template["name"],
                "active": i != 2,
                "priority": template.get("priority", 100),
                "conditions": copy.deepcopy(template["conditions"]),
                "actions": copy.deepcopy(template["actions"]),
                "created_at": created,
                "updated_at": created,
            }
        )
    return out


def _statements(state: State, rng: random.Random, project: Project) -> list[dict[str, Any]]:
    """A short SQL history (newest first), with every outcome represented."""
    from .sqlengine import SQLError, execute

    history = []
    specs = [
        "SELECT option_name, option_value FROM wp_options WHERE autoload = 'yes' "
        "ORDER BY option_id",
        "SELECT COUNT(*) FROM wp_posts WHERE post_status = 'publish'",
        "SELEC * FROM wp_users",
    ]
    for i, sql in enumerate(specs):
        submitted = state.ago(days=3 - i, minutes=rng.randint(0, 50))
        stmt: dict[str, Any] = {
            "id": _uid(rng),
            "sql": sql,
            "read_only": True,
            "timeout": 30,
            "submitted_at": rfc3339(submitted),
            "submitted_by": "ada@example.com",
            "completed_at": rfc3339(submitted + timedelta(milliseconds=40)),
            "duration_ms": 40 + i * 3,
            "error": None,
        }
        try:
            stmt.update(execute(demo_tables(state, random.Random(0), project), sql, submitted))
            stmt["status"] = "success"
        except SQLError as exc:
            stmt.update(
                {
                    "status": "error",
                    "error": str(exc),
                    "columns": [],
                    "rows": [],
                    "row_count": 0,
                    "rows_affected": 0,
                }
            )
        history.insert(0, stmt)
    return history
