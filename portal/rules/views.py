"""Rules list: evaluation order, active toggle, reorder (drag and drop or keyboard), delete.

Each view: one role decorator, resolve the project on Agiler, validate the form, call the client,
render. Writes go through the client, so they are audited by construction; ``AgilerError``
propagates to the error middleware, except during a reorder, where a failure half-way is
reported with the rules that did and did not move.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import AgilerClient
from portal.audit.actions import Action
from portal.audit.models import Outcome
from portal.audit.naming import recall, workspace_of
from portal.audit.services import record_event
from portal.core.agiler_errors import may_have_been_applied
from portal.lib.confirm import Confirmation, confirm
from portal.lib.htmx import done, is_fragment
from portal.lib.parallel import run_concurrently
from portal.projects.area_pages import area_crumbs, write_controls
from portal.rules import ordering
from portal.rules.catalog import load_catalog, plain
from portal.rules.forms import DeleteRuleForm, ReorderForm, ToggleForm
from portal.rules.summary import summarize
from portal.tokens.service import agiler_for


def list_url(project: str) -> str:
    """The project's rules list."""
    return reverse("rules:list", args=[project])


def crumbs(project: Any, *tail: tuple[str, str]) -> list[dict[str, str]]:
    """Projects › <project> › Rules › *tail."""
    return area_crumbs(project, "Rules", list_url(project.id), *tail)


def all_rules(client: AgilerClient, project: str) -> list[Any]:
    """Every rule of the project in evaluation order (Agiler lists them by priority)."""
    return list(client.paginate(client.list_rules, project, limit=200))


def row_context(rule: Any) -> dict[str, Any]:
    """A rule as the list shows it."""
    return {
        "rule": rule,
        "summary": summarize(rule.conditions, [plain(a) for a in rule.actions]),
        "toggle_form": ToggleForm.fresh(initial={"active": rule.active}),
    }


def write_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return write_controls(request.user, "projects.rules:write")


def table_context(
    request: AuthenticatedHttpRequest, project_id: str, rules: list[Any], **extra: Any
) -> dict[str, Any]:
    """Context of the ``rules-table`` partial."""
    return {
        "project_id": project_id,
        "rows": [row_context(rule) for rule in rules],
        "reorder_form": ReorderForm.fresh(),
        **write_context(request),
        **extra,
    }


@require_GET
@requires("projects.read")
def rule_list(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """The project's rules in the order they run."""
    client = agiler_for(request.user, request=request)
    if is_fragment(request):
        return render(
            request,
            "rules/list.html#rules-table",
            table_context(request, project, all_rules(client, project)),
        )
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "rules": lambda: all_rules(client, project),
            "catalog": lambda: load_catalog(client),
        }
    )
    detail = found["project"]
    context = table_context(request, detail.id, found["rules"])
    context.update(
        {
            "page_title": f"Rules of {detail.name}",
            "project": detail,
            "templates": list(enumerate(found["catalog"].templates)),
            "crumbs": crumbs(detail),
        }
    )
    return render(request, "rules/list.html", context)


@requires("projects.write")
@require_POST
def rule_active(request: AuthenticatedHttpRequest, project: str, rule: str) -> HttpResponse:
    """Turn a rule on or off; as htmx, its row comes back."""
    form = ToggleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form had expired; reload the page and try again.")
        return done(request, list_url(project))
    client = agiler_for(request.user, request=request)
    active = form.cleaned_data["active"]
    updated = client.update_rule(
        project, rule, active=active, idempotency_key=form.cleaned_data["idempotency_key"]
    )
    state = "on" if updated.active else "off"
    messages.success(request, f"Rule “{updated.name}” turned {state}.")
    if not is_fragment(request):
        return redirect(list_url(project))
    rules = all_rules(client, project)
    index = next((i for i, r in enumerate(rules) if r.id == updated.id), 0)
    context = {
        **row_context(updated),
        "project_id": project,
        "first": index == 0,
        "last": index == len(rules) - 1,
        "reorder_form": ReorderForm.fresh(),
        **write_context(request),
    }
    return render(request, "rules/list.html#rule-row", context)


@requires("projects.write")
@require_POST
def rule_reorder(request: AuthenticatedHttpRequest, project: str) -> HttpResponse:
    """Save a new order as priorities: the full ``order`` (drag and drop) or one ``move``."""
    form = ReorderForm(request.POST)
    client = agiler_for(request.user, request=request)
    rules = all_rules(client, project)
    report: dict[str, Any] = {}
    focus = ""
    if not form.is_valid():
        report = {"level": "danger", "text": "The form had expired; nothing was moved."}
    else:
        order = request.POST.getlist("order") or [r.id for r in rules]
        move, direction = form.cleaned_data["move"], form.cleaned_data["direction"]
        if move and direction:
            order = ordering.moved(order, move, direction)
            focus = f"{move}-{direction}"
        try:
            changes = ordering.plan(rules, order)
        except ordering.StaleOrder:
            report = {
                "level": "warning",
                "text": "The rules changed since this page was loaded; nothing was moved. "
                "This is the current order.",
            }
        else:
            key = form.cleaned_data["idempotency_key"]
            result = ordering.apply(client, project, changes, idempotency_key=key)
            report = _report(result)
            _record_reorder(request, project, rules, order, move, direction, result, key)
            rules = all_rules(client, project)
    if not is_fragment(request):
        getattr(messages, "success" if report.get("level") == "success" else "error")(
            request, report.get("text", "")
        )
        return redirect(list_url(project))
    return render(
        request,
        "rules/list.html#rules-table",
        table_context(request, project, rules, report=report, focus=focus),
    )


def _record_reorder(
    request: HttpRequest,
    project: str,
    before: list[Any],
    order: list[str],
    move: str,
    direction: str,
    result: ordering.Result,
    key: str,
) -> None:
    """One audit entry for the whole move ("moved rule X above Y"). Its PATCHes are recorded by
    the client as usual, each with the key ``<key>:<rule id>``: the audit list folds them into
    this entry and its detail page lists them."""
    if not result.moved and result.error is None:
        return  # nothing changed: nothing to record
    names = {rule.id: rule.name for rule in before}
    summary: dict[str, Any] = {"order": [names.get(i, i) for i in order]}
    target = move or next((r.id for r in before if r.name in result.moved), "")
    if target in order:
        index = order.index(target)
        # The rule it now runs before (moved up) or after (moved down, or a drag to the end).
        if direction != "down" and index + 1 < len(order):
            summary["above"] = names.get(order[index + 1], "")
        elif index > 0:
            summary["below"] = names.get(order[index - 1], "")
    if move and direction:
        summary["direction"] = direction
    summary["moved"] = result.moved
    if result.not_moved:
        summary["not_moved"] = result.not_moved
    record_event(
        action=Action.RULES_REORDER,
        actor=request.user,
        request=request,
        outcome=Outcome.FAILURE if result.error is not None else Outcome.SUCCESS,
        target_type="rule",
        target_id=target,
        target_label=names.get(target, ""),
        project_id=project,
        project_name=recall(project),
        workspace_id=workspace_of(project),
        workspace_name=recall(workspace_of(project)),
        summary=summary,
        error_message=result.error.message if result.error is not None else "",
        idempotency_key=key,
    )


def _report(result: ordering.Result) -> dict[str, Any]:
    if result.error is None:
        if not result.moved:
            return {"level": "info", "text": "The order is unchanged."}
        return {"level": "success", "text": "New order saved: " + ", ".join(result.moved) + "."}
    done_part = (
        "Saved at their new place: " + ", ".join(result.moved) + ". " if result.moved else ""
    )
    not_moved = result.not_moved
    if may_have_been_applied(result.error) and not_moved:
        # Agiler received that change and failed: it may have been applied (issue 15 #3).
        done_part += f"Not sure whether it moved: {not_moved[0]}. "
        not_moved = not_moved[1:]
    not_part = f"Not moved: {', '.join(not_moved)} — " if not_moved else ""
    return {
        "level": "danger",
        "text": f"{done_part}{not_part}Agiler answered: "
        f"{result.error.message} The list below is the order Agiler has now.",
        "moved": result.moved,
        "not_moved": result.not_moved,
    }


@require_http_methods(["GET", "POST"])
@requires("projects.write")
def rule_delete(request: HttpRequest, project: str, rule: str) -> HttpResponse:
    """Confirm, then delete one rule."""
    client = agiler_for(request.user, request=request)
    found = run_concurrently(
        {
            "project": lambda: client.get_project(project),
            "rule": lambda: client.get_rule(project, rule),
        }
    )
    detail, entry = found["project"], found["rule"]

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_rule(detail.id, entry.id, idempotency_key=data["idempotency_key"])
        messages.success(request, f"Rule “{entry.name}” deleted.")
        return done(request, list_url(detail.id))

    return confirm(
        request,
        Confirmation(
            title="Delete this rule?",
            object=f"Rule “{entry.name}” of {detail.name}",
            consequence="Agiler stops applying it to requests at once; this cannot be undone. "
            "To pause it instead, turn it off.",
            submit="Delete rule",
            action=reverse("rules:delete", args=[detail.id, entry.id]),
            cancel_url=list_url(detail.id),
            testid="delete-dialog",
        ),
        form_class=DeleteRuleForm,
        perform=perform,
        template="rules/confirm.html",
        fragment="rule-dialog",
        context={
            "page_title": f"Delete rule {entry.name}",
            "project": detail,
            "crumbs": crumbs(detail, (entry.name, ""), ("Delete", "")),
        },
    )
