"""Two-factor sign-in is required for admins by default (issue 15, item 10)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_agiler_tokens_mfa")]

    operations = [
        migrations.AddField(
            model_name="securitypolicy",
            name="require_mfa_admins",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Admins must set up two-factor sign-in before using the portal (default)."
                ),
            ),
        ),
    ]
