"""Hypothesis strategies for rules built from the sandbox's catalog: valid ones (what Agiler
holds) and arbitrary ones (what a person might submit)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from agiler_sandbox.catalog import ACTIONS, CONDITIONS

#: What a browser text input can carry: no control characters (newlines are stripped), no
#: surrogates.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=0, max_size=20)
SUB_KEY = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
NETWORKS = st.sampled_from(["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32", "192.0.2.7"])
REGEXES = st.sampled_from([r"^/wp-", r"\.(css|js)$", "bot", r"^$", "a|b"])


@st.composite
def valid_condition(draw: Any) -> dict[str, str]:
    entry = draw(st.sampled_from(CONDITIONS))
    fact = entry["fact"]
    if fact.endswith(".*"):
        fact = fact[:-1] + draw(SUB_KEY)
    operator = draw(st.sampled_from(entry["operators"]))
    allowed = entry["allowed_values"]
    if operator == "exists":
        value = "true"
    elif operator == "cidr":
        value = draw(NETWORKS)
    elif operator == "matches":
        value = draw(REGEXES)
    elif allowed == ["*"]:
        value = draw(TEXT)
    elif operator == "in":
        items = draw(st.lists(st.sampled_from(allowed), min_size=1, max_size=3))
        value = draw(st.sampled_from([",", ", "])).join(items)
    else:
        value = draw(st.sampled_from(allowed))
    return {"fact": fact, "operator": operator, "value": value}


@st.composite
def valid_action(draw: Any) -> dict[str, str]:
    entry = draw(st.sampled_from([a for a in ACTIONS if "fact" in a]))
    fact = entry["fact"]
    if fact.endswith(".*"):
        fact = fact[:-1] + draw(SUB_KEY)
    allowed = entry["allowed_values"]
    value = draw(TEXT) if allowed == ["*"] else draw(st.sampled_from(allowed))
    return {"operator": entry["operator"], "fact": fact, "value": value}


@st.composite
def valid_rule(draw: Any) -> dict[str, Any]:
    """A rule the builder accepts and Agiler stores: non-empty groups (or {"all": []})."""
    groups = draw(st.sets(st.sampled_from(["all", "any", "not"]), min_size=0, max_size=3))
    conditions: dict[str, Any] = {
        g: draw(st.lists(valid_condition(), min_size=1, max_size=3)) for g in sorted(groups)
    }
    if not conditions:
        conditions = {"all": []}
    actions = draw(st.lists(valid_action(), min_size=0, max_size=3))
    if not actions or draw(st.booleans()):
        actions.append({"operator": "end"})
    name = draw(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30))
    return {
        "name": name if name.strip() else "rule " + name,
        "priority": draw(st.integers(min_value=0, max_value=1_000_000)),
        "active": draw(st.booleans()),
        "conditions": conditions,
        "actions": actions,
    }


ANY_FACT = st.one_of(
    st.sampled_from([c["fact"] for c in CONDITIONS]),
    SUB_KEY.map(lambda s: "request.header." + s),
    st.sampled_from(["request.header.", "request.nope", "", "response.status"]),
)
ANY_OPERATOR = st.sampled_from(
    ["eq", "ne", "in", "prefix", "suffix", "contains", "matches", "cidr", "exists", "gt", ""]
)
ANY_VALUE = st.one_of(
    TEXT, st.sampled_from(["GET", "POST,PUT", "http", "DE", "true", "10.0.0.0/8", "(", "*"])
)


@st.composite
def any_statement(draw: Any) -> dict[str, str]:
    if draw(st.booleans()):
        return draw(valid_condition())
    return {"fact": draw(ANY_FACT), "operator": draw(ANY_OPERATOR), "value": draw(ANY_VALUE)}


@st.composite
def any_action(draw: Any) -> dict[str, str]:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(valid_action())
    if choice == 1:
        return {"operator": "end"}
    if choice == 2:
        return {"operator": "end", "value": draw(ANY_VALUE)}
    return {
        "operator": draw(st.sampled_from(["set", "unset", ""])),
        "fact": draw(st.sampled_from(["cache.ttl", "response.header.", "response.header.x", "x"])),
        "value": draw(ANY_VALUE),
    }


@st.composite
def any_rule(draw: Any) -> dict[str, Any]:
    """Anything a person could put together in the builder, valid or not."""
    groups = draw(st.sets(st.sampled_from(["all", "any", "not"]), max_size=3))
    return {
        "name": draw(st.sampled_from(["ok", " ", ""])),
        "priority": draw(st.sampled_from(["", "5", "-1", "x", "2000000"])),
        "active": True,
        "conditions": {g: draw(st.lists(any_statement(), max_size=3)) for g in sorted(groups)},
        "actions": draw(st.lists(any_action(), max_size=3)),
    }
