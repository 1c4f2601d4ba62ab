"""Each audit row names the portal request that caused it (issue 15, item 10)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_prune_role")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="portal_request_id",
            field=models.CharField(blank=True, max_length=32),
        ),
    ]
