"""Signed checkpoints of the audit chain's head, kept where the database cannot rewrite them.

The hash chain proves that no event was altered or inserted; it cannot prove that the newest
events were not *removed* (delete the tail, rewrite the head row, and the shorter chain verifies).
A checkpoint records, at a moment, how long the chain was: ``count`` (events present), ``last_id``
and ``head_hash`` (the newest event and its hash), ``time`` — HMAC-signed with the audit key, so
someone with database access alone can neither forge nor alter one. They are appended, on a
schedule (``manage.py audit_checkpoint`` from cron or a timer) and on every prune, to
``PORTAL_AUDIT_CHECKPOINT``: a file path (append-only JSON lines; keep it off the database host),
or ``log`` (one line on the ``portal.audit.checkpoint`` logger, i.e. the process log stream).
``manage.py verify_audit_log --checkpoint FILE`` compares the log with them and reports
truncation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from portal.audit.chain import format_time, hmac_key

logger = logging.getLogger("portal.audit.checkpoint")

_SIGNED = ("count", "last_id", "head_hash", "time")


def _signature(fields: dict[str, Any]) -> str:
    payload = json.dumps([fields[name] for name in _SIGNED], separators=(",", ":")).encode()
    return hmac.new(hmac_key(), b"checkpoint:" + payload, hashlib.sha256).hexdigest()


def make_checkpoint() -> dict[str, Any]:
    """The chain's head now, signed."""
    from portal.audit.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.filter(pk=1).first()
    fields: dict[str, Any] = {
        "count": AuditEvent.objects.count(),
        "last_id": head.last_id if head else 0,
        "head_hash": head.last_hash if head else "",
        "time": format_time(datetime.now(UTC)),
    }
    fields["hmac"] = _signature(fields)
    return fields


def write_checkpoint(destination: str | None = None) -> dict[str, Any]:
    """Take a checkpoint and append it to ``destination`` (default: PORTAL_AUDIT_CHECKPOINT)."""
    checkpoint = make_checkpoint()
    target = destination or getattr(settings, "PORTAL_AUDIT_CHECKPOINT", "log") or "log"
    line = json.dumps(checkpoint, separators=(",", ":"))
    if target == "log":
        logger.info("audit checkpoint %s", line)
    else:
        # O_APPEND: each line lands whole at the end, whichever process writes it.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    return checkpoint


@dataclass(frozen=True)
class CheckpointReport:
    """What the checkpoints say about the log: ``problems`` empty means consistent."""

    checked: int
    problems: list[str]
    newest: dict[str, Any] | None


def _parse(lines: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    good, problems = [], []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if "audit checkpoint " in text:  # a line copied from the log stream
            text = text.split("audit checkpoint ", 1)[1]
        if not text.startswith("{"):
            continue
        try:
            data = json.loads(text)
            valid = hmac.compare_digest(str(data.get("hmac", "")), _signature(data))
        except (ValueError, KeyError, TypeError):
            valid = False
        if valid:
            good.append(data)
        else:
            problems.append(f"checkpoint line {number} is not validly signed (forged or altered)")
    return good, problems


def check_against(lines: Iterable[str]) -> CheckpointReport:
    """Compare the log with the signed checkpoints in ``lines``; report truncation."""
    from portal.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent

    checkpoints, problems = _parse(lines)
    head = AuditChainHead.objects.filter(pk=1).first()
    last_id = head.last_id if head else 0
    pruned_through = (
        AuditCheckpoint.objects.order_by("-through_id").values_list("through_id", flat=True).first()
        or 0
    )
    for cp in checkpoints:
        cp_id, cp_hash = int(cp["last_id"]), str(cp["head_hash"])
        if cp_id == 0:
            continue
        if last_id < cp_id:
            problems.append(
                f"TRUNCATED: at {cp['time']} the log reached event #{cp_id}; its newest event "
                f"is now #{last_id}"
            )
            continue
        stored = AuditEvent.objects.filter(id=cp_id).values_list("hash", flat=True).first()
        if stored is None:
            if cp_id > pruned_through:
                problems.append(
                    f"TRUNCATED: event #{cp_id} (the head at {cp['time']}) is missing and was "
                    "never pruned"
                )
        elif stored != cp_hash:
            problems.append(
                f"REWRITTEN: event #{cp_id} no longer has the hash it had at {cp['time']}"
            )
    return CheckpointReport(len(checkpoints), problems, checkpoints[-1] if checkpoints else None)
