"""List indexes at a million invoices.

- inv_org_total also carries issue_date, invoice_type and tax_status, so that an amount
  sort within a date range (and type or status) filters inside the index.
- The table's own organisation_id index goes: every other index leads with the
  organisation, so it only cost each insert. It is dropped by name rather than by
  AlterField, which SQLite would carry out by copying the whole table.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "invoices_invoice_organisation_id_3a823352"  # Django's name for the FK's index


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("invoices", "0002_document_reading"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="invoice", name="inv_org_total"),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=[
                    "organisation",
                    "total_amount",
                    "id",
                    "created_at",
                    "issue_date",
                    "invoice_type",
                    "tax_status",
                ],
                name="inv_org_total",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invoices",
                        to="accounts.organisation",
                        verbose_name="组织",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "invoices_invoice" ("organisation_id")',
                ),
            ],
        ),
    ]
