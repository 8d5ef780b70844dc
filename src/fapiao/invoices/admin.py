from django.contrib import admin

from fapiao.invoices.models import Document, DuplicateSubmission, FieldCorrection, Invoice, LineItem


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "invoice_number",
        "invoice_code",
        "issue_date",
        "seller_name",
        "total_amount",
        "tax_status",
        "status",
        "organisation",
    )
    list_filter = ("tax_status", "status", "invoice_type", "organisation")
    search_fields = ("invoice_number", "seller_name")
    raw_id_fields = ("submitter", "original_invoice", "department")
    inlines = [LineItemInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "mime_type", "size", "state", "organisation", "created_at")
    raw_id_fields = ("invoice", "uploaded_by")


admin.site.register(DuplicateSubmission)
admin.site.register(FieldCorrection)
