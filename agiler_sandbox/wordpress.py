"""The seed of each project's fake WordPress database: a small schema and plausible rows.

The tables are plain data (``{"columns", "types", "rows"}`` per table, MySQL type names) so the
backup dumps can print them; ``sqlengine.Database`` loads them into an in-memory SQLite database
for the SQL console. ``wp_posts`` holds 137 rows (10 posts and pages plus their revisions and
attachments), so a plain ``SELECT`` spans two result pages of 100.
"""

from __future__ import annotations

import random
from typing import Any

from .state import Project, State

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
#: posts and pages first, then revisions and attachments up to this many rows
POST_ROWS = 137

SCHEMA: dict[str, list[tuple[str, str]]] = {
    "wp_users": [
        ("ID", "bigint unsigned"),
        ("user_login", "varchar(60)"),
        ("user_pass", "varchar(255)"),
        ("user_email", "varchar(100)"),
        ("display_name", "varchar(250)"),
        ("user_registered", "datetime"),
    ],
    "wp_usermeta": [
        ("umeta_id", "bigint unsigned"),
        ("user_id", "bigint unsigned"),
        ("meta_key", "varchar(255)"),
        ("meta_value", "longtext"),
    ],
    "wp_posts": [
        ("ID", "bigint unsigned"),
        ("post_author", "bigint unsigned"),
        ("post_date", "datetime"),
        ("post_title", "text"),
        ("post_excerpt", "text"),
        ("post_status", "varchar(20)"),
        ("post_name", "varchar(200)"),
        ("post_parent", "bigint unsigned"),
        ("post_type", "varchar(20)"),
        ("comment_count", "bigint"),
    ],
    "wp_postmeta": [
        ("meta_id", "bigint unsigned"),
        ("post_id", "bigint unsigned"),
        ("meta_key", "varchar(255)"),
        ("meta_value", "longtext"),
    ],
    "wp_options": [
        ("option_id", "bigint unsigned"),
        ("option_name", "varchar(191)"),
        ("option_value", "longtext"),
        ("autoload", "varchar(20)"),
    ],
    "wp_comments": [
        ("comment_ID", "bigint unsigned"),
        ("comment_post_ID", "bigint unsigned"),
        ("comment_author", "tinytext"),
        ("comment_author_email", "varchar(100)"),
        ("comment_date", "datetime"),
        ("comment_content", "text"),
        ("comment_approved", "varchar(20)"),
    ],
}


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def _table(name: str, rows: list[list[Any]]) -> dict[str, Any]:
    columns = SCHEMA[name]
    return {"columns": [c for c, _ in columns], "types": [t for _, t in columns], "rows": rows}


def seed_tables(state: State, rng: random.Random, project: Project) -> dict[str, dict[str, Any]]:
    """Every table of the project's WordPress database, as plain data."""
    site = f"https://www.{project.name}.example"
    users = [
        [1, "admin", "$P$BZx0Jq1rQ8nJ9ZsZlVhI2mYtXWm9Nn/", f"admin@{project.name}.example",
         "Site Admin", "2022-03-01 10:00:00"],
        [2, "editor", "$P$Bf3kq0Hq5sZ2bX8mVt6wHq1Jz0xYcW.", f"editor@{project.name}.example",
         "Eddie Editor", "2023-01-15 09:30:00"],
        [3, "müller", "$P$B9m1Kp2Lq3Rs4Tu5Vw6Xy7Za8Bc9De0.", f"mueller@{project.name}.example",
         "Jörg Müller", "2024-02-02 14:12:00"],
    ]  # fmt: skip
    usermeta = []
    for uid, role in ((1, "administrator"), (2, "editor"), (3, "author")):
        capabilities = f'a:1:{{s:{len(role)}:"{role}";b:1;}}'
        usermeta.append([len(usermeta) + 1, uid, "wp_capabilities", capabilities])
        usermeta.append([len(usermeta) + 1, uid, "nickname", users[uid - 1][1]])
    posts: list[list[Any]] = []
    for i, title in enumerate(POSTS, start=1):
        day = state.ago(days=400 - i * 35).strftime("%Y-%m-%d %H:%M:%S")
        kind = "page" if title in ("Privacy Policy", "Sample Page") else "post"
        status = "draft" if i % 4 == 0 else "publish"
        excerpt = None if i % 3 == 0 else f"{title} — read more on the blog."
        posts.append(
            [i, rng.randint(1, 3), day, title, excerpt, status, _slug(title), 0, kind, i % 4]
        )
    while len(posts) < POST_ROWS:
        n = len(posts) + 1
        parent = posts[(n - 11) % len(POSTS)]
        day = state.ago(days=380 - (n % 370), minutes=n).strftime("%Y-%m-%d %H:%M:%S")
        if n % 5 == 0:
            posts.append(
                [n, parent[1], day, f"photo-{n}.jpg", None, "inherit", f"photo-{n}", parent[0],
                 "attachment", 0]
            )  # fmt: skip
        else:
            posts.append(
                [n, parent[1], day, parent[3], None, "inherit", f"{parent[0]}-revision-v{n}",
                 parent[0], "revision", 0]
            )  # fmt: skip
    postmeta: list[list[Any]] = []
    for post in posts[: len(POSTS)]:
        postmeta.append([len(postmeta) + 1, post[0], "_edit_lock", f"17{post[0]:08d}:1"])
        postmeta.append([len(postmeta) + 1, post[0], "_edit_last", str(post[1])])
    for post in posts:
        if post[8] == "attachment":
            postmeta.append([len(postmeta) + 1, post[0], "_wp_attached_file", f"2024/05/{post[3]}"])
    options = [
        [1, "siteurl", site, "yes"],
        [2, "home", site, "yes"],
        [3, "blogname", project.name.replace("-", " ").title(), "yes"],
        [4, "admin_email", f"admin@{project.name}.example", "yes"],
        [5, "template", "twentytwentyfour", "yes"],
        [6, "permalink_structure", "/%postname%/", "yes"],
        [7, "active_plugins", 'a:1:{i:0;s:19:"akismet/akismet.php";}', "yes"],
        [8, "blog_public", "1", "yes"],
        [9, "_transient_doing_cron", "1717171717.1234", "no"],
        [10, "widget_block", 'a:1:{s:12:"_multiwidget";i:1;}', "yes"],
    ]
    comments = [
        [1, 1, "A WordPress Commenter", "wapuu@wordpress.example",
         state.ago(days=380).strftime("%Y-%m-%d %H:%M:%S"),
         "Hi, this is a comment. To get started with moderating, editing, and deleting "
         "comments, please visit the Comments screen in the dashboard.", "1"],
        [2, 2, "Priya", "priya@mail.example", state.ago(days=30).strftime("%Y-%m-%d %H:%M:%S"),
         "Love the new colours!", "1"],
        [3, 2, "cheap-pills", "spam@spam.example", state.ago(days=2).strftime("%Y-%m-%d %H:%M:%S"),
         "Buy now http://spam.example", "spam"],
    ]  # fmt: skip
    return {
        "wp_users": _table("wp_users", users),
        "wp_usermeta": _table("wp_usermeta", usermeta),
        "wp_posts": _table("wp_posts", posts),
        "wp_postmeta": _table("wp_postmeta", postmeta),
        "wp_options": _table("wp_options", options),
        "wp_comments": _table("wp_comments", comments),
    }
