"""What the invoices app tells the apps above it, without knowing who listens.

Each signal is sent by fapiao.invoices (sender: the model concerned) and connected in the
listening app's AppConfig.ready(); the invoices app imports none of them. A receiver runs
inside the transaction that made the change (except document_reading_failed: after the
reading step), so whatever it writes commits or rolls back with the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

from fapiao.accounts.models import User
from fapiao.invoices.models import FieldCorrection, Invoice


@dataclass(frozen=True)
class TaxStatusChanged:
    """One change of an invoice's tax status, as tax_status_changed hands it over."""

    invoice: Invoice  # saved, with the new status
    before: str  # TaxStatus values
    after: str
    actor: User | None  # who made it; None for the platform and red invoices
    source: str  # where it came from, in Chinese (e.g. 红字发票冲销)
    correction: FieldCorrection  # the record of it: its pk identifies this one change


# An invoice's tax status (作废 / 红冲) changed; sent once per invoice, whichever path made
# the change (services.set_tax_status / set_tax_statuses), after the invoice was saved.
# Argument: change (a TaxStatusChanged).
# Receivers: fapiao.review (audit trail, flags reviewers), fapiao.notify (tells the owner).
tax_status_changed = Signal()

# Invoices were stored (created=True: record_invoice, a batch of bulk_record) or had their
# data corrected (created=False: correct_invoice), line items included. They already hold
# the default spending category of fapiao.core.taxonomy.
# Arguments: organisation_id, invoice_ids (list[int]), created (bool).
# Receiver: fapiao.analytics (the organisation's category rules and people's choices).
invoices_recorded = Signal()

# A document could not be read (its state is saved as failed).
# Arguments: document (the Document, with error_message and attempts).
# Receiver: fapiao.notify (tells the uploader why and what to do).
document_reading_failed = Signal()
