"""Django's admin, for platform administrators only: it sees every organisation, so it is closed to
everyone whose scope is not global (the scoping mechanism does not run inside the admin)."""

from django.contrib import admin


class PlatformAdminSite(admin.AdminSite):
    site_header = "ATTT"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
