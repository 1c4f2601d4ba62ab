"""The hash chain: canonical content, the HMAC key, and the walk that verifies it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.audit.actions import Action

if TYPE_CHECKING:
    from portal.audit.models import AuditEvent

logger = logging.getLogger("portal.audit")

#: Every field that goes into an event's hash, in a fixed order. Adding a field is a chain format
#: change: bump CHAIN_VERSION and keep verifying older rows with the older list.
HASHED_FIELDS = (
    "id",
    "time",
    "actor_id",
    "actor_username",
    "actor_role",
    "source_ip",
    "user_agent",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "workspace_id",
    "project_id",
    "summary_json",
    "outcome",
    "status",
    "error_code",
    "error_message",
    "request_id",
    "idempotency_key",
    "duration_ms",
    "intent_id",
    "prev_hash",
)
CHAIN_VERSION = "v1"
#: Fields added after v1. They are hashed only when set, as a trailing object: every row written
#: before they existed (where they are empty) keeps its original bytes and verifies unchanged,
#: while setting, changing or blanking one on a later row breaks that row's hash.
EXTENSION_FIELDS = ("project_name", "workspace_name", "portal_request_id")
_warned_demo_key = False


#: The least key material the chain accepts: 32 bytes, like the token keys.
MIN_KEY_BYTES = 32
_GENERATE = 'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


def key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to key the chain, or None. A one-character key was accepted."""
    raw = key.encode()
    if len(raw) < MIN_KEY_BYTES:
        return f"it is {len(raw)} bytes long; at least {MIN_KEY_BYTES} random bytes are needed"
    # A crude entropy floor: a key of few distinct characters ("aaaa…", "abab…") is not random.
    if len(set(raw)) < 12:
        return f"it uses only {len(set(raw))} distinct characters; use random bytes"
    return None


def require_key_in_production() -> None:
    """Refuse to start with DEBUG off and no chain key, or with a configured key that is too
    weak (called once, from the app's ready())."""
    configured = getattr(settings, "PORTAL_AUDIT_HMAC_KEY", "") or ""
    if not configured and not settings.DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_AUDIT_HMAC_KEY (or PORTAL_AUDIT_HMAC_KEY_FILE) must be set when PORTAL_DEBUG "
            f"is off: it keys the audit log's hash chain. {_GENERATE}"
        )
    problem = key_problem(configured) if configured else None
    if problem:
        raise ImproperlyConfigured(f"PORTAL_AUDIT_HMAC_KEY is too weak: {problem}. {_GENERATE}")


def hmac_key() -> bytes:
    """The chain key: PORTAL_AUDIT_HMAC_KEY, or (demo only) one derived from SECRET_KEY.

    Production never reaches the derived key: ``require_key_in_production`` stops the process
    at start-up. (DEBUG is not re-read here: the test runner turns it off after start-up.)
    """
    global _warned_demo_key
    configured = getattr(settings, "PORTAL_AUDIT_HMAC_KEY", "") or ""
    if configured:
        return configured.encode()
    if not _warned_demo_key:
        _warned_demo_key = True
        logger.warning(
            "PORTAL_AUDIT_HMAC_KEY is not set: the audit chain uses a demo key derived from "
            "SECRET_KEY (acceptable for the demo only)."
        )
    return hmac.new(
        settings.SECRET_KEY.encode(), b"portal.audit.chain-key", hashlib.sha256
    ).digest()


def format_time(value: datetime) -> str:
    """UTC with microseconds, the one textual form of an event time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(event: AuditEvent) -> bytes:
    """The bytes that are hashed for ``event``: a JSON list of HASHED_FIELDS values."""
    values: list[object] = [CHAIN_VERSION]
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "time":
            value = format_time(value)
        values.append(value)
    extension = {
        name: getattr(event, name) for name in EXTENSION_FIELDS if getattr(event, name, "")
    }
    if extension:
        values.append(extension)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 (hex) of the event's canonical content, which includes ``prev_hash``."""
    return hmac.new(key or hmac_key(), canonical_bytes(event), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain."""

    verified: int
    broken_at: int | None = None
    reason: str = ""
    first_id: int | None = None
    last_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


def _walk(batch: int = 2000) -> Iterator[AuditEvent]:
    """Every event in chain order, in keyset batches (constant memory)."""
    from portal.audit.models import AuditEvent

    after = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=after).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def verify_chain() -> VerifyResult:
    """Walk the chain from its start (or the last retention checkpoint) to the head.

    Returns how many events verified and, on a break, the first broken event and why.
    """
    from portal.audit.models import GENESIS_HASH, AuditChainHead, AuditCheckpoint

    key = hmac_key()
    count = 0
    expected_prev: str | None = None
    expected_id: int | None = None
    first_id: int | None = None
    last_id: int | None = None
    checkpoint_needed: tuple[int, str] | None = None
    attested: set[tuple[int, str]] = set()
    for event in _walk():
        if first_id is None:
            first_id = event.id
            if event.id == 1:
                expected_prev = GENESIS_HASH
            else:
                checkpoint = AuditCheckpoint.objects.filter(through_id=event.id - 1).first()
                if checkpoint is None:
                    return VerifyResult(
                        count,
                        event.id,
                        "events before it are missing and no retention checkpoint covers them",
                        first_id,
                        last_id,
                    )
                expected_prev = checkpoint.through_hash
                checkpoint_needed = (checkpoint.through_id, checkpoint.through_hash)
            expected_id = event.id
        if event.id != expected_id:
            return VerifyResult(
                count,
                expected_id,
                f"event #{expected_id} is missing (next is #{event.id})",
                first_id,
                last_id,
            )
        if event.prev_hash != expected_prev:
            return VerifyResult(
                count,
                event.id,
                "its previous-hash link does not match the event before it",
                first_id,
                last_id,
            )
        if not hmac.compare_digest(event.hash, compute_hash(event, key)):
            return VerifyResult(
                count, event.id, "its content does not match its hash (edited)", first_id, last_id
            )
        if event.action == Action.AUDIT_PRUNED:
            summary = event.summary
            attested.add((int(summary.get("through_id", 0) or 0), str(summary.get("through_hash"))))
        count += 1
        last_id = event.id
        expected_prev = event.hash
        expected_id = event.id + 1
    if checkpoint_needed is not None and checkpoint_needed not in attested:
        return VerifyResult(
            count,
            first_id,
            f"the retention checkpoint through #{checkpoint_needed[0]} is not "
            "attested by an audit.pruned event",
            first_id,
            last_id,
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
    if (last_id or 0) != head_id or (expected_prev or GENESIS_HASH) != head_hash:
        if last_id is None and head_id == 0:
            return VerifyResult(0, None, "", None, None)
        missing = (last_id or 0) + 1 if head_id > (last_id or 0) else head_id
        return VerifyResult(
            count,
            missing,
            f"the chain head (#{head_id}) does not match the last event "
            f"(#{last_id}): events at the end were removed or added around the lock",
            first_id,
            last_id,
        )
    return VerifyResult(count, None, "", first_id, last_id)
