"""On PostgreSQL, only a member of the maintenance role ``portal_audit_pruner`` may prune.

Before, any role could ``SET LOCAL portal.audit_prune = 'on'`` and delete audit events (issue 15,
item 2). Now the append-only trigger lets a DELETE through only when the *current role* has the
privileges of ``portal_audit_pruner`` (a NOLOGIN role the DBA creates and grants to a maintenance
login, never to the application's role) and the prune flag is set by ``audit_prune_through()``.
Until that role exists nobody can prune, which is the safe default. The table's owner could
still drop the trigger: the application's runtime role must not own the tables (docs/audit.md).
"""

from __future__ import annotations

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('portal.audit_prune', true) = 'on'
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_audit_pruner')
       AND pg_has_role(current_user, 'portal_audit_pruner', 'USAGE') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % of event % refused (pruning needs the '
        'portal_audit_pruner role, see docs/audit.md)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_prune_through(through bigint) RETURNS bigint AS $$
DECLARE
    deleted bigint;
BEGIN
    PERFORM set_config('portal.audit_prune', 'on', true);
    DELETE FROM audit_auditevent WHERE id <= through;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('portal.audit_prune', 'off', true);
    RETURN deleted;
END
$$ LANGUAGE plpgsql;
"""

RESTORE = """
DROP FUNCTION IF EXISTS audit_prune_through(bigint);
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('portal.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # the SQL has literal % signs


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_project_workspace_names")]

    operations = [migrations.RunPython(install, uninstall)]
