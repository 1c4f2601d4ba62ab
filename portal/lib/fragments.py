"""Template work done once per process instead of on every request (issue 14: page cost).

Three tools, all registered as template builtins by ``portal.core.templatetags.portal_tags``:

``{% memo "name" value… %}…{% endmemo %}``
    Renders its body once per process for each combination of the values after the name and
    reuses the markup: the layout's ``<head>`` assets (eight ``{% static %}`` tags and the htmx
    script) and the main navigation (keyed by the role and the section the page is in). The
    body must depend on nothing but those values, the URLconf and the settings: **never put
    anything about the signed-in person or the request in it** (a name, a CSRF token, a
    message), or one person's fragment would be shown to another. The script prefix and the
    URLconf are part of every key; changing a setting (tests) forgets everything. With
    ``PORTAL_CHECK_MEMO`` on (the test settings), every reuse renders the body again and fails
    loudly when the two differ, so a fragment that varies on something outside its key is
    caught by the tests of any page that shows it.

``{% extends "base.html" %}``
    Django's ``ExtendsNode`` walks the whole root layout's node tree on every render to find its
    ``{% block %}`` nodes (``get_nodes_by_type``): about 6 % of a list page's CPU. The blocks of
    a compiled template never change, so they are found once per compiled template and kept on
    it; everything else is Django's own ``render``.

``{% url "name" %}`` without arguments
    ``reverse()`` resolves the pattern on every call (about 15 µs, seven times in the layout);
    a URL without arguments only changes with the script prefix, the URLconf and the current
    application namespace, which key a per-process table. URLs with arguments, or whose name is
    a variable, take Django's own path. (The portal's URLconf has no language prefix, so the
    active language does not change a URL.)
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import FilterExpression
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode
from django.template.loader_tags import do_extends as django_extends
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

#: Upper bound on remembered fragments and URLs per process: far above what the keys produce
#: (roles × navigation sections); past it, fragments are rendered and not kept.
MAX_ENTRIES = 2048

_fragments: dict[tuple[Any, ...], SafeString] = {}
_urls: dict[tuple[Any, ...], str] = {}


def forget(**_: object) -> None:
    """Drop every remembered fragment and URL (connected to ``setting_changed``)."""
    _fragments.clear()
    _urls.clear()


setting_changed.connect(forget, dispatch_uid="portal.lib.fragments.forget")


class MemoChanged(template.TemplateSyntaxError):
    """A ``{% memo %}`` fragment rendered differently under the same key (``PORTAL_CHECK_MEMO``):
    its body depends on something its key does not name."""


class MemoNode(template.Node):
    """``{% memo "name" value… %}`` (see the module docstring)."""

    def __init__(self, nodelist: template.NodeList, name: str, vary: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        key = (
            self.name,
            get_script_prefix(),
            get_urlconf(),
            *(value.resolve(context) for value in self.vary),
        )
        markup = _fragments.get(key)
        if markup is None:
            markup = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered template
            if len(_fragments) < MAX_ENTRIES:
                _fragments[key] = markup
        elif getattr(settings, "PORTAL_CHECK_MEMO", False):
            fresh = self.nodelist.render(context)
            if fresh != markup:
                raise MemoChanged(
                    f"{{% memo {self.name!r} %}} rendered differently for the same key {key!r}: "
                    "its body uses a value that is not in its key."
                )
        return markup


def do_memo(parser: template.base.Parser, token: template.base.Token) -> MemoNode:
    """Parse ``{% memo "name" value… %}…{% endmemo %}``."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% memo %} needs a quoted name first.")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])


class RememberedURLNode(URLNode):
    """Django's ``URLNode``, reversing an argument-less literal name once per key."""

    def render(self, context: template.Context) -> str:
        name = self.view_name.var
        if self.args or self.kwargs or self.view_name.filters or not isinstance(name, str):
            return str(super().render(context))
        page: Any = context  # a RequestContext has .request (Django's own lookup, as URLNode)
        try:
            current_app = page.request.current_app
        except AttributeError:
            try:
                current_app = page.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (name, current_app, get_script_prefix(), get_urlconf())
        url = _urls.get(key)
        if url is None:
            try:
                url = reverse(name, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                if len(_urls) < MAX_ENTRIES:
                    _urls[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


def do_url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    """Django's ``{% url %}``, with argument-less literal names remembered."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


class RootBlocksExtendsNode(ExtendsNode):
    """Django's ``ExtendsNode``, finding the root layout's blocks once per compiled template."""

    def render(self, context: template.Context) -> SafeString:
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        # As Django: a parent that extends nothing is the root, whose blocks join the context.
        root_blocks: dict[str, BlockNode] | None = getattr(
            compiled_parent, "_portal_root_blocks", None
        )
        if root_blocks is None:
            root_blocks = {}
            for node in compiled_parent.nodelist:
                if not isinstance(node, template.base.TextNode):
                    if not isinstance(node, ExtendsNode):
                        found = compiled_parent.nodelist.get_nodes_by_type(BlockNode)
                        root_blocks = {n.name: n for n in found if isinstance(n, BlockNode)}
                    break
            compiled_parent._portal_root_blocks = root_blocks  # type: ignore[attr-defined]
        if root_blocks:
            block_context.add_blocks(root_blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            rendered: SafeString = compiled_parent._render(context)  # type: ignore[attr-defined]
            return rendered


def do_extends(parser: template.base.Parser, token: template.base.Token) -> ExtendsNode:
    """Django's ``{% extends %}``, with the root layout's blocks found once."""
    node = django_extends(parser, token)
    return RootBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
