from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from attt.admin import PlatformAdminSite

admin.site.__class__ = PlatformAdminSite

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("attt.api_urls")),
    path("", include("attt.tenancy.urls")),
    path("", include("attt.inventory.urls")),
    path("", include("attt.levels.urls")),
    path("", include("attt.obligations.urls")),
    path("", include("attt.scans.urls")),
    path("", include("attt.incidents.urls")),
    path("", include("attt.readiness.urls")),
    path("", include("attt.public.urls")),
    path("", include("attt.reports.urls")),
    path("", include("attt.dashboards.urls")),
]
