from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from attt.inventory.api import InformationSystemViewSet
from attt.tenancy.api import AuditEntryViewSet, MeViewSet, OrganisationViewSet, RoleAssignmentViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("role-assignments", RoleAssignmentViewSet, basename="roleassignment")
router.register("systems", InformationSystemViewSet, basename="system")
router.register("audit-entries", AuditEntryViewSet, basename="auditentry")
router.register("me", MeViewSet, basename="me")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
