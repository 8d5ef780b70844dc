"""The site's addresses: the admin, the API, and each app's pages (its urls.py)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from fapiao.api.v1 import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("", include("fapiao.web.urls")),
    path("", include("fapiao.accounts.urls")),
    path("", include("fapiao.invoices.urls")),
    path("", include("fapiao.review.urls")),
    path("", include("fapiao.notify.urls")),
    path("", include("fapiao.lookup.urls")),
    path("", include("fapiao.analytics.urls")),
    path("", include("fapiao.feedback.urls")),
    path("", include("fapiao.orgadmin.urls")),
]
