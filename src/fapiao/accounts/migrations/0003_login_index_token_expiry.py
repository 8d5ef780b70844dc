"""API tokens expire (issue 13): tokens issued before get FAPIAO_API_TOKEN_DAYS from now,
so that no script stops at the moment of the upgrade. Failed sign-ins are counted by
address, so they get an index on (address, time)."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_from_now(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_organisation_admins_leave_django_admin")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="过期时间"),
        ),
        migrations.RunPython(expire_from_now, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="过期时间"),
        ),
        migrations.AddIndex(
            model_name="loginattempt",
            index=models.Index(fields=["ip_address", "created_at"], name="login_address_recent"),
        ),
    ]
