"""Layout work done once per process: the remembered navigation always matches the person and
the page, a fragment never carries one person's data to another, and the remembered
``{% url %}`` answers what Django's does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils.safestring import mark_safe

from portal.accounts.models import User
from portal.lib import fragments
from tests.helpers import client_for, render_as

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings


def nav_of(body: str) -> list[str]:
    """The main navigation's labels, the active one starred."""
    nav = re.search(
        r'<nav class="navbar-nav[^"]*portal-nav" aria-label="Main">(.*?)</nav>', body, re.S
    )
    assert nav, "no main navigation"
    return [
        label + ("*" if 'aria-current="page"' in attrs else "")
        for attrs, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav.group(1))
    ]


def test_the_navigation_follows_the_role_on_the_next_page(cast: dict[str, User]) -> None:
    admin, finance = cast["admin"], cast["finance"]
    assert nav_of(client_for(admin).get("/accounts/two-factor/").content.decode()) == [
        "Home",
        "Projects",
        "Workspaces",
        "Billing",
        "Audit log",
        "People",
    ]
    client = client_for(finance)
    assert "People" not in nav_of(client.get("/accounts/two-factor/").content.decode())
    # The role is read with the person on every request: a new role shows on the next page
    # (a role change through the People page also ends the person's sessions).
    User.objects.filter(pk=finance.pk).update(role="admin")
    assert "People" in nav_of(client.get("/accounts/two-factor/").content.decode())


def test_the_active_item_follows_the_page(cast: dict[str, User]) -> None:
    client = client_for(cast["admin"])
    assert "People*" in nav_of(client.get(reverse("accounts:users")).content.decode())
    assert nav_of(client.get("/accounts/two-factor/").content.decode()).count("*") == 0


def test_no_one_sees_a_fragment_with_someone_elses_name(cast: dict[str, User]) -> None:
    for user in cast.values():
        body = client_for(user).get("/accounts/two-factor/").content.decode()
        others = {u.username for u in cast.values()} - {user.username}
        assert user.username in body
        assert not any(f">{name}" in body or f"{name}<" in body for name in others), user


MEMO_OF_A_NAME = engines["django"].from_string(
    '{% memo "wrong" %}<span>{{ request.user.username }}</span>{% endmemo %}'
)


def render_for(user: User) -> str:
    return render_as(MEMO_OF_A_NAME, user)


def test_a_fragment_that_depends_on_something_outside_its_key_fails_the_tests(
    cast: dict[str, User], settings: Settings
) -> None:
    """Why the test settings check every reuse: without the check, the second person would be
    shown the first one's name."""
    settings.PORTAL_CHECK_MEMO = False
    assert render_for(cast["admin"]) == "<span>ada</span>"
    assert render_for(cast["operator"]) == "<span>ada</span>"  # the leak the check catches
    settings.PORTAL_CHECK_MEMO = True  # (changing a setting forgets every fragment)
    assert render_for(cast["admin"]) == "<span>ada</span>"
    with pytest.raises(fragments.MemoChanged):
        render_for(cast["operator"])


def test_a_memo_renders_again_for_another_key(cast: dict[str, User]) -> None:
    template = engines["django"].from_string(
        '{% memo "by-role" request.user.role %}{{ request.user.role }}{% endmemo %}'
    )
    seen = []
    for user in (cast["admin"], cast["finance"], cast["admin"]):
        request = RequestFactory().get("/")
        request.user = user
        seen.append(template.render({}, request))
    assert seen == ["admin", "finance", "admin"]


URL = engines["django"]


@pytest.mark.parametrize("name", ["core:home", "projects:list", "accounts:token"])
def test_an_argument_less_url_is_the_one_reverse_gives(name: str) -> None:
    template = URL.from_string("{% url name_literal %}".replace("name_literal", repr(name)))
    assert template.render({}) == reverse(name)
    assert template.render({}) == reverse(name)  # remembered, still the same


def test_urls_with_arguments_or_a_variable_name_take_djangos_path() -> None:
    assert URL.from_string("{% url 'projects:detail' 'p1' %}").render({}) == reverse(
        "projects:detail", args=["p1"]
    )
    assert URL.from_string("{% url name %}").render({"name": "core:home"}) == reverse("core:home")


def test_an_unknown_name_fails_as_before_and_as_var_gives_nothing() -> None:
    with pytest.raises(NoReverseMatch):
        URL.from_string("{% url 'no:such' %}").render({})
    assert URL.from_string("{% url 'no:such' as u %}[{{ u }}]").render({}) == "[]"
    assert URL.from_string("{% url 'core:home' as u %}[{{ u }}]").render({}) == "[/]"


def test_a_url_follows_the_script_prefix() -> None:
    template = URL.from_string("{% url 'projects:list' %}")
    try:
        set_script_prefix("/portal/")
        assert template.render({}) == "/portal/projects/"
    finally:
        set_script_prefix("/")
    assert template.render({}) == "/projects/"


def test_extends_fills_the_layouts_blocks_the_same_on_every_render(settings: Settings) -> None:
    """The root layout's blocks are found once per compiled template: the second render, and a
    child two levels down, fill the same blocks as Django's own ``{% extends %}`` would."""
    from django.template import Context, Engine

    sources = {
        "root.html": "<{% block title %}Root{% endblock %}|{% block body %}empty{% endblock %}>",
        "middle.html": '{% extends "root.html" %}{% block body %}M:{% block inner %}'
        "mid{% endblock %}{% endblock %}",
        "leaf.html": '{% extends "middle.html" %}{% block title %}{{ who }}{% endblock %}'
        "{% block inner %}{{ block.super }}+leaf{% endblock %}",
        "other.html": "[{% block title %}Other{% endblock %}]",
        "chosen.html": "{% extends parent %}{% block title %}T{% endblock %}",
        "includes.html": '{% include "leaf.html" %}/{% include "middle.html" %}',
    }

    def engine(builtins: list[str]) -> Engine:
        cached = (
            "django.template.loaders.cached.Loader",
            [("django.template.loaders.locmem.Loader", sources)],
        )
        return Engine(loaders=[cached], builtins=builtins)

    ours = engine(["portal.core.templatetags.portal_tags"])
    django = engine([])
    leaf, django_leaf = ours.get_template("leaf.html"), django.get_template("leaf.html")
    assert isinstance(leaf.nodelist[0], fragments.RootBlocksExtendsNode)
    for who in ("Ada", "<Otto>"):  # the second render uses the blocks found by the first
        expected = django_leaf.render(Context({"who": who}))
        assert leaf.render(Context({"who": who})) == expected
    assert expected == "<&lt;Otto&gt;|M:mid+leaf>"
    assert ours.get_template("middle.html").render(Context()) == "<Root|M:mid>"
    # A parent chosen per render: each compiled parent keeps its own blocks.
    chosen = ours.get_template("chosen.html")
    for parent in ("root.html", "other.html", "root.html"):
        context = {"parent": parent}
        assert chosen.render(Context(context)) == django.get_template("chosen.html").render(
            Context(context)
        )
    assert chosen.render(Context({"parent": "other.html"})) == "[T]"
    # Templates that extend, included side by side in one render.
    both = ours.get_template("includes.html").render(Context({"who": "Ada"}))
    assert both == django.get_template("includes.html").render(Context({"who": "Ada"}))
    assert both == "<Ada|M:mid+leaf>/<Root|M:mid>"


LOOP_OPTIONS = engines["django"].from_string(
    '{% for value, label, selected in choices %}<option value="{{ value }}"'
    "{% if selected %} selected{% endif %}>{{ label }}</option>{% endfor %}"
)
TAG_OPTIONS = engines["django"].from_string("{% options choices %}")


@pytest.mark.parametrize(
    "choices",
    [
        [],
        [("eu-west-1", "Dublin, Ireland", False), ("us-east-1", "Ashburn", True)],
        # Names come from Agiler and from people: every one of them escaped as {{ }} does.
        [('"><script>x</script>', "Tom & Jerry's <b>", True), ("a&b", "\x00 ‹café›", False)],
        [(mark_safe("<i>kept</i>"), mark_safe("<em>safe</em>"), False), (3, None, True)],
    ],
)
def test_the_options_tag_gives_what_a_template_loop_gives(
    choices: list[tuple[object, object, bool]],
) -> None:
    assert TAG_OPTIONS.render({"choices": choices}) == LOOP_OPTIONS.render({"choices": choices})
