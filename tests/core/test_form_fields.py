"""The shared form component escapes help texts: only a form can mark its own markup safe."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class _Form(forms.Form):
    plain = forms.CharField(help_text="Named <b>by</b> Agiler & co.")
    marked = forms.CharField(help_text=mark_safe("See <strong>this</strong>."))  # noqa: S308


def test_a_help_text_is_escaped_unless_its_form_marked_it_safe() -> None:
    html = render_to_string("components/form_fields.html", {"form": _Form()})
    assert "Named &lt;b&gt;by&lt;/b&gt; Agiler &amp; co." in html
    assert "<b>by</b>" not in html
    assert "See <strong>this</strong>." in html
