"""An organisation's admin used to be a Django superuser of the whole installation (issue
13): every member of an organisation loses is_superuser and is_staff. The installation's
operator is an account without an organisation (`fapiao createuser --operator`)."""

from django.db import migrations
from django.db.models import Q


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    members = User.objects.filter(organisation__isnull=False)
    members.filter(Q(is_superuser=True) | Q(is_staff=True)).update(
        is_superuser=False, is_staff=False
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Not reversible in meaning (who was a superuser is not recorded): going back leaves
    # the accounts as they are.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
