from django.urls import path, re_path
from django.views.generic import RedirectView

from fapiao.invoices import scan_views
from fapiao.invoices import views as invoice_views
from fapiao.web import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="invoice-list", permanent=False), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("invoices/", invoice_views.invoice_list, name="invoice-list"),
    re_path(
        r"^invoices/export\.(?P<fmt>xlsx|csv)$",
        invoice_views.invoice_export,
        name="invoice-export",
    ),
    path("invoices/<int:invoice_id>/", invoice_views.invoice_detail, name="invoice-detail"),
    # 扫描上传 (issue 3): upload, follow each file's reading, check and submit.
    path("scan/", scan_views.scan_upload, name="scan-upload"),
    path("scan/documents/<int:document_id>/", scan_views.scan_document, name="scan-document"),
    path("scan/documents/<int:document_id>/row/", scan_views.scan_row, name="scan-row"),
    path(
        "scan/documents/<int:document_id>/original",
        scan_views.scan_original,
        name="scan-original",
    ),
    path(
        "scan/documents/<int:document_id>/preview",
        scan_views.scan_preview,
        name="scan-preview",
    ),
    path("scan/invoices/<int:invoice_id>/", scan_views.scan_confirm, name="scan-confirm"),
]
