"""``{% load money %}``: ``{{ cents|money }}`` and ``{{ cents|money_signed }}``."""

from __future__ import annotations

from django import template

from portal.billing.money import format_money

register = template.Library()


@register.filter
def money(value: object) -> str:
    """Cents in the account currency: ``-123456`` → ``-$1,234.56``; not a number → ``—``."""
    return format_money(value)


@register.filter
def money_signed(value: object) -> str:
    """Like ``money`` but credits carry ``+`` (transaction lists: credits vs debits at a glance)."""
    return format_money(value, signed=True)
