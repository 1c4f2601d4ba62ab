"""The visual rule builder: new, edit (read-only without write access), save, and the htmx
fragments it is made of (one row, the live JSON preview, “Try it”).

Everything offered comes from the catalog (``GET /rules``). A draft is checked against it before
anything is sent; Agiler's own 400s land on the row they name.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import NOT_GIVEN, AgilerClient, BadRequest
from portal.lib.forms import new_idempotency_key
from portal.lib.htmx import form_status, render_page
from portal.lib.inputs import ascii_int, valid_idempotency_key
from portal.lib.parallel import run_concurrently
from portal.rules import draft as drafts
from portal.rules.catalog import Catalog, load_catalog, plain
from portal.rules.evaluate import Sample, evaluate, parse_pairs
from portal.rules.rows import action_view, builder_rows, condition_view
from portal.rules.summary import action_words, statement_words
from portal.rules.validation import by_row, validate
from portal.rules.views import crumbs, list_url
from portal.tokens.service import agiler_for

TEMPLATE = "rules/builder.html"


def rule_json(rule: Any) -> dict[str, Any]:
    """A ``ProjectRuleOutput`` as the JSON Agiler sent."""
    return dict(plain(rule))


def _blank(catalog: Catalog) -> drafts.Draft:
    # Start from one statement and one action: the shape every rule needs.
    return drafts.Draft(
        groups={"all": [drafts.Row(key=drafts.new_key())]},
        actions=[drafts.Row(key=drafts.new_key())],
    )


def first_condition(catalog: Catalog, key: str) -> drafts.Row:
    """A new statement on the catalog's first fact, with its first operator and value."""
    if not catalog.conditions:
        return drafts.Row(key=key)
    spec = catalog.conditions[0]
    value = "" if spec.free_text else spec.allowed_values[0]
    operator = spec.operators[0] if spec.operators else None
    return drafts.Row(key=key, fact=spec.fact, operator=operator, value=value)


def first_action(catalog: Catalog, key: str) -> drafts.Row:
    """A new action: the catalog's first one that sets something, with its first value."""
    spec = next((a for a in catalog.actions if not a.terminal), None)
    if spec is None:
        return drafts.Row(
            key=key, operator=catalog.actions[0].operator if catalog.actions else None
        )
    value = "" if spec.as_fact.free_text else spec.allowed_values[0]
    return drafts.Row(key=key, fact=spec.fact, operator=spec.operator, value=value)


def _complete(draft: drafts.Draft, catalog: Catalog) -> drafts.Draft:
    """Fill the blank rows of a new draft with the catalog's first choices."""
    for rows in draft.groups.values():
        rows[:] = [first_condition(catalog, r.key) if r.fact is None else r for r in rows]
    draft.actions = [
        first_action(catalog, r.key) if r.operator is None else r for r in draft.actions
    ]
    return draft


def _context(
    request: AuthenticatedHttpRequest,
    *,
    project: Any,
    catalog: Catalog,
    draft: drafts.Draft,
    rule: Any = None,
    problems: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    row_errors, rest = by_row(problems or {}, draft)
    readonly = not request.user.can("projects.write")
    title = f"Rule {rule.name}" if rule else "New rule"
    return {
        "page_title": title,
        "project": project,
        "project_id": project.id,
        "rule": rule,
        "draft": draft,
        "readonly": readonly,
        "problems": rest,
        "problem_count": len(problems or {}),
        "idempotency_key": idempotency_key or new_idempotency_key(),
        "save_url": reverse("rules:save", args=[project.id, rule.id])
        if rule
        else reverse("rules:new", args=[project.id]),
        "body_json": json.dumps(draft.body(), indent=2, ensure_ascii=False),
        "templates": list(enumerate(catalog.templates)) if rule is None else [],
        "notes": catalog.notes,
        "crumbs": crumbs(project, (rule.name if rule else "New rule", "")),
        **builder_rows(draft, catalog, row_errors),
    }


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_page(request, TEMPLATE, context, fragment="rule-builder", status=status)


def _upstream_problem(error: BadRequest, draft: drafts.Draft) -> dict[str, str]:
    field = error.field or ""
    if field.startswith(("conditions", "actions")) or field in ("name", "priority"):
        return {field: error.message}
    return {"general": f"Agiler refused the rule: {error.message}"}


def _starting_draft(
    request: HttpRequest, client: AgilerClient, project: str, catalog: Catalog
) -> Any:
    template = request.GET.get("template", "")
    source = request.GET.get("from", "")
    number = ascii_int(template)
    if number is not None and number < len(catalog.templates):
        data = dict(catalog.templates[number])
        # A template that needs site-specific values starts inactive (facts: review first).
        data["active"] = not data.get("requires_configuration", False)
        return drafts.from_rule(data)
    if source:
        original = rule_json(client.get_rule(project, source))
        original["name"] = f"Copy of {original['name']}"
        original["active"] = False
        return drafts.from_rule(original)
    # From scratch means empty: no statement or action the person did not choose (a new rule
    # used to arrive as "bypass the cache for every GET").
    return drafts.Draft(groups={}, actions=[])


def _load(client: AgilerClient, project: str, rule: str | None = None) -> tuple[Any, Any, Catalog]:
    """The project, the rule (when one is named) and the catalog, fetched together.

    Calls keep the order project, rule, catalog: the first failure in that order is the error
    the page shows.
    """
    calls: dict[str, Any] = {"project": lambda: client.get_project(project)}
    if rule is not None:
        calls["rule"] = lambda: client.get_rule(project, rule)
    calls["catalog"] = lambda: load_catalog(client)
    found = run_concurrently(calls)
    return found["project"], found.get("rule"), found["catalog"]


def _submit(
    request: AuthenticatedHttpRequest,
    client: AgilerClient,
    *,
    detail: Any,
    catalog: Catalog,
    rule: Any = None,
) -> HttpResponse:
    """Send the posted draft (create, or update ``rule``) and go back to the list; or, when the
    portal or Agiler refuses it, show the builder again with the problems on their rows."""
    draft = drafts.from_post(request.POST, catalog)
    key = valid_idempotency_key(request.POST.get("idempotency_key")) or new_idempotency_key()
    problems = validate(draft, catalog)
    if not problems:
        body = draft.body()
        fields = {
            "name": body["name"],
            "conditions": body["conditions"],
            "actions": body["actions"],
            "active": body["active"],
            "priority": body.get("priority", NOT_GIVEN),
            "idempotency_key": key,
        }
        try:
            if rule is None:
                done = f"Rule “{client.create_rule(detail.id, **fields).name}” created."
            else:
                client.update_rule(detail.id, rule.id, **fields)
                done = f"Rule “{body['name']}” saved."
        except BadRequest as error:
            problems, key = _upstream_problem(error, draft), new_idempotency_key()
        else:
            messages.success(request, done)
            return redirect(list_url(detail.id))
    context = _context(
        request,
        project=detail,
        catalog=catalog,
        draft=draft,
        rule=rule,
        problems=problems,
        idempotency_key=key,
    )
    return _render(request, context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def rule_new(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Build a new rule from scratch, a catalog template, or a copy of another rule."""
    client = agiler_for(request.user, request=request)
    detail, _, catalog = _load(client, project)
    if request.method == "GET":
        draft = _starting_draft(request, client, detail.id, catalog)
        return _render(request, _context(request, project=detail, catalog=catalog, draft=draft))
    return _submit(request, client, detail=detail, catalog=catalog)


@require_GET
@requires("projects.read")
def rule_edit(request: AuthenticatedHttpRequest, project: str, rule: str) -> HttpResponse:
    """Open a rule in the builder (read-only for roles that may not write)."""
    client = agiler_for(request.user, request=request)
    detail, entry, catalog = _load(client, project, rule)
    draft = drafts.from_rule(rule_json(entry))
    problems = validate(draft, catalog)
    context = _context(request, project=detail, catalog=catalog, draft=draft, rule=entry)
    # What the catalog no longer accepts is shown as warnings on open, not as errors.
    context["stale"] = bool(problems)
    return _render(request, context)


@requires("projects.write")
@require_POST
def rule_save(request: AuthenticatedHttpRequest, project: str, rule: str) -> HttpResponse:
    """Save the builder's rule over an existing one (one audited PATCH)."""
    client = agiler_for(request.user, request=request)
    detail, entry, catalog = _load(client, project, rule)
    return _submit(request, client, detail=detail, catalog=catalog, rule=entry)


# --- fragments ----------------------------------------------------------------------------------


def _catalog_for(request: HttpRequest) -> Catalog:
    return load_catalog(agiler_for(request.user, request=request))


@requires("projects.write")
@require_POST
def builder_row(request: HttpRequest, project: str) -> HttpResponse:
    """Add, re-render (after a fact or operator change) or remove one builder row."""
    catalog = _catalog_for(request)
    data = request.POST
    kind = data.get("kind", "condition")
    if data.get("remove"):
        response = HttpResponse("")
    else:
        key = data.get("key", "")
        key = key if drafts.VALID_KEY.match(key) else drafts.new_key()
        adding = bool(data.get("add"))
        context: dict[str, Any] = {"project_id": project, "readonly": False, "focus": adding}
        if kind == "action":
            row = (
                first_action(catalog, key)
                if adding
                else drafts.action_row_from_post(data, key, catalog)
            )
            context["a"] = action_view(row, catalog, normalize=True)
            response = render(request, f"{TEMPLATE}#action-row", context)
        else:
            group = data.get("group", "all")
            row = (
                first_condition(catalog, key)
                if adding
                else drafts.condition_row_from_post(data, key, catalog)
            )
            if data.get("changed") == "fact":
                # The new fact's own first operator; an old value rarely means anything for it.
                row.operator, row.value = None, None
            context["r"] = condition_view(row, group, catalog, normalize=True)
            response = render(request, f"{TEMPLATE}#condition-row", context)
    # The preview listens for this and shows the JSON the changed form now describes: after the
    # swap has settled, so the preview reads the redrawn row (on receipt it read the old one).
    return trigger_client_event(response, "rules-changed", after="settle")


@requires("projects.write")
@require_POST
def builder_preview(request: HttpRequest, project: str) -> HttpResponse:
    """The exact JSON the form would send, and what the portal would refuse in it."""
    catalog = _catalog_for(request)
    draft = drafts.from_post(request.POST, catalog)
    problems = validate(draft, catalog)
    context = {
        "body_json": json.dumps(draft.body(), indent=2, ensure_ascii=False),
        "preview_problems": problems,
    }
    return render(request, f"{TEMPLATE}#preview-body", context)


def sample_from_post(data: Any) -> Sample:
    """The sample request of the “Try it” form."""
    return Sample(
        method=(data.get("try-method") or "GET").strip().upper(),
        scheme=(data.get("try-scheme") or "https").strip().lower(),
        host=(data.get("try-host") or "").strip(),
        path=(data.get("try-path") or "/").strip() or "/",
        query=(data.get("try-query") or "").strip().lstrip("?"),
        country=(data.get("try-country") or "").strip().upper(),
        ip=(data.get("try-ip") or "").strip(),
        headers={k.lower(): v for k, v in parse_pairs(data.get("try-headers") or "", ":").items()},
        cookies=parse_pairs(data.get("try-cookies") or "", "="),
    )


@requires("projects.read")
@require_POST
def builder_try(request: HttpRequest, project: str) -> HttpResponse:
    """Evaluate the rule in the builder (or, read-only, the saved one) against a sample."""
    catalog = _catalog_for(request)
    if request.POST.get("rule-json"):
        saved = drafts.parse_json_object(request.POST["rule-json"])
        try:
            draft = drafts.from_rule(saved) if saved is not None else drafts.Draft()
        except (ValueError, TypeError, AttributeError):
            draft = drafts.Draft()
    else:
        draft = drafts.from_post(request.POST, catalog)
    outcome = evaluate(draft, sample_from_post(request.POST), catalog)
    statements = [
        {
            "group": group,
            "text": statement_words(row.as_json()),
            "verdict": outcome.verdicts[row.key],
        }
        for group, row in draft.rows()
    ]
    context = {
        "outcome": outcome,
        "statements": statements,
        "all_actions": [action_words(row.as_json()) for row in draft.actions],
        "tried": True,
    }
    return render(request, f"{TEMPLATE}#try-result", context)
