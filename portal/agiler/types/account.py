"""Response schemas of the account-level areas (catalog, user, billing, notifications,
workspaces) and of errors, named as in the API reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._decode import Model
from .projects import RuleStatement

__all__ = [
    "BillingOutput",
    "BillingTransactionEntry",
    "BillingTransactionMonth",
    "ErrorPayload",
    "ErrorResponse",
    "NotificationOutput",
    "PaymentMethodAddressOutput",
    "PaymentMethodBillingDetailsOutput",
    "PaymentMethodCardOutput",
    "PaymentMethodOutput",
    "PendingVerification",
    "RegionOutput",
    "RuleActionOption",
    "RuleCatalogNotes",
    "RuleConditionOption",
    "RuleOptionsOutput",
    "RuleTemplateOutput",
    "RuntimeOutput",
    "SelfUser",
    "WorkspaceBillingTransferOutput",
    "WorkspaceMemberOutput",
    "WorkspaceOutput",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class RegionOutput(Model):
    """A public region."""

    id: str
    description: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class RuntimeOutput(Model):
    """A public runtime; ``deprecated_at`` set when it is being retired."""

    id: str
    description: str
    created_at: datetime
    updated_at: datetime
    deprecated_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleActionOption(Model):
    """An action in the rule catalog; terminal actions (``end``) have no fact or values."""

    operator: str
    fact: str | None = None
    description: str | None = None
    allowed_values: list[str] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleConditionOption(Model):
    """A condition fact in the rule catalog; ``["*"]`` as allowed_values means any string."""

    fact: str
    operators: list[str]
    allowed_values: list[str]
    description: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleCatalogNotes(Model):
    """How to build conditions and statements from the catalog."""

    conditions_shape: str
    statement_shape: str
    terminal_action_end: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleTemplateOutput(Model):
    """A ready-made rule. description/priority/requires_configuration are from the facts file
    (not in the reference schema), hence optional."""

    name: str
    conditions: dict[str, object]
    actions: list[RuleStatement]
    description: str | None = None
    priority: int | None = None
    requires_configuration: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleOptionsOutput(Model):
    """The rule condition / action catalog (``GET /rules``)."""

    conditions: list[RuleConditionOption]
    actions: list[RuleActionOption]
    notes: RuleCatalogNotes
    templates: list[RuleTemplateOutput]


@dataclass(frozen=True, kw_only=True, slots=True)
class SelfUser(Model):
    """The token's user; ``effective_scopes`` has scope implications resolved."""

    id: str
    name: str
    email: str
    effective_scopes: list[str]
    created_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingOutput(Model):
    """The billing profile. Money (``monthly_budget``, ``charge_*``) is in cents;
    ``budget_alerts`` are percentages; ``force_update`` set means review in the Agiler app."""

    account_id: str
    name: str
    address_line1: str
    address_line2: str
    address_city: str
    address_state: str
    address_zip: str
    address_country: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    monthly_budget: int
    budget_alerts: list[int]
    budget_stop: bool
    charge_amount: int
    charge_threshold: int
    force_update: datetime | None = None
    update: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingTransactionEntry(Model):
    """One transaction; ``amount`` in cents (credits positive, debits negative)."""

    amount: int
    description: str
    created_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingTransactionMonth(Model):
    """A month of transactions with its ``balance`` in cents."""

    year: int
    month: int
    balance: int
    created_at: datetime
    tx: list[BillingTransactionEntry]


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentMethodAddressOutput(Model):
    """Billing address of a payment method."""

    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentMethodBillingDetailsOutput(Model):
    """Card holder name and address."""

    name: str
    address: PaymentMethodAddressOutput


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentMethodCardOutput(Model):
    """Card brand, last four digits and expiry."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentMethodOutput(Model):
    """A payment method on file."""

    id: str
    type: str
    is_default: bool
    card: PaymentMethodCardOutput
    billing_details: PaymentMethodBillingDetailsOutput


@dataclass(frozen=True, kw_only=True, slots=True)
class NotificationOutput(Model):
    """A notification for the caller."""

    id: str
    name: str
    title: str
    description: str
    priority: str
    url: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class PendingVerification(Model):
    """A pending verification (e.g. of an e-mail address)."""

    channel: str
    target: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspaceOutput(Model):
    """A workspace and the caller's ``role`` in it."""

    id: str
    name: str
    role: str
    billing_user_id: str
    require_mfa: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspaceMemberOutput(Model):
    """A member or a pending invite (``status == "pending"``, with ``invite_id``/``expires_at``)."""

    email: str
    role: str
    status: str
    is_billing_user: bool
    created_at: datetime
    updated_at: datetime
    name: str | None = None
    user_id: str | None = None
    invite_id: str | None = None
    expires_at: datetime | None = None
    mfa_enabled: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspaceBillingTransferOutput(Model):
    """A pending transfer of a workspace's billing to another user (read-only in the API)."""

    id: str
    workspace_id: str
    requested_by_user_id: str
    requested_by_email: str
    target_user_id: str
    target_email: str
    created_at: datetime
    updated_at: datetime
    requested_by_name: str | None = None
    target_name: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ErrorPayload(Model):
    """The ``error`` member of an ErrorResponse."""

    code: str
    message: str
    field: str | None = None
    resource: str | None = None
    id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ErrorResponse(Model):
    """The body of every error answer."""

    error: ErrorPayload
