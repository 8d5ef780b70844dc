"""Pages of fapiao.invoices, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from fapiao.invoices.views import detail, listing, scan

urlpatterns: list[URLPattern] = [
    path("invoices/", listing.invoice_list, name="invoice-list"),
    re_path(r"^invoices/export\.(?P<fmt>xlsx|csv)$", listing.invoice_export, name="invoice-export"),
    path("invoices/<int:invoice_id>/", detail.invoice_detail, name="invoice-detail"),
    # 扫描上传 (issue 3): upload, follow each file's reading, open the original. Checking
    # and submitting (/scan/invoices/<id>/) is review's: fapiao.review.views.confirm.
    path("scan/", scan.scan_upload, name="scan-upload"),
    path("scan/documents/<int:document_id>/", scan.scan_document, name="scan-document"),
    path("scan/documents/<int:document_id>/row/", scan.scan_row, name="scan-row"),
    path("scan/documents/<int:document_id>/original", scan.scan_original, name="scan-original"),
    path("scan/documents/<int:document_id>/preview", scan.scan_preview, name="scan-preview"),
]
