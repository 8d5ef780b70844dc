from django.urls import path, re_path
from django.views.generic import RedirectView

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
]
