"""Pages of fapiao.review, included at the site root by fapiao.urls."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from fapiao.review.views import confirm, mine, panel, queue

urlpatterns: list[URLPattern] = [
    path("mine/", mine.my_invoices, name="my-invoices"),
    path("review/", queue.queue_page, name="review-queue"),
    path("review/batch", queue.batch, name="review-batch"),
    path("review/<int:invoice_id>/", queue.pane, name="review-pane"),
    path("review/<int:invoice_id>/decide", queue.decide, name="review-decide"),
    re_path(r"^review/audit\.(?P<fmt>xlsx|csv)$", queue.audit_export, name="review-audit-export"),
    path("review/invoices/<int:invoice_id>/panel", panel.panel, name="review-panel"),
    path("review/invoices/<int:invoice_id>/act", panel.act, name="review-act"),
    # The last step of 扫描上传 (the other scan pages are fapiao.invoices').
    path("scan/invoices/<int:invoice_id>/", confirm.scan_confirm, name="scan-confirm"),
]
