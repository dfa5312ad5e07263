from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from attt.inventory.api import InformationSystemViewSet
from attt.levels.api import (
    ChecklistViewSet,
    ClassificationViewSet,
    DossierViewSet,
    LevelApprovalViewSet,
    SecurityRegulationViewSet,
)
from attt.obligations.api import (
    CalendarFeedViewSet,
    DutyStatusViewSet,
    DutyViewSet,
    EventViewSet,
    EvidenceViewSet,
    OrganisationDutiesViewSet,
    SystemDutiesViewSet,
)
from attt.dashboards import api as dashboards_api
from attt.public import api as public_api
from attt.readiness import api as readiness_api
from attt.reports import api as reports_api
from attt.incidents.api import DeliveryViewSet, IncidentViewSet, ReportViewSet
from attt.scans.api import (
    FindingViewSet,
    FixDeadlineViewSet,
    FormatViewSet,
    ScanImportViewSet,
    UnmatchedHostViewSet,
)
from attt.tenancy.api import (
    AuditEntryViewSet,
    MeViewSet,
    OrganisationViewSet,
    RoleAssignmentViewSet,
)

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("role-assignments", RoleAssignmentViewSet, basename="roleassignment")
router.register("systems", InformationSystemViewSet, basename="system")
router.register("audit-entries", AuditEntryViewSet, basename="auditentry")
router.register("me", MeViewSet, basename="me")
router.register("classifications", ClassificationViewSet, basename="classification")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("level-approval", LevelApprovalViewSet, basename="levelapproval")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("security-regulations", SecurityRegulationViewSet, basename="securityregulation")
router.register("obligations/duties", DutyViewSet, basename="duty")
router.register("obligations/statuses", DutyStatusViewSet, basename="dutystatus")
router.register("obligations/systems", SystemDutiesViewSet, basename="systemduties")
router.register("obligations/organisations", OrganisationDutiesViewSet, basename="organisationduties")
router.register("obligations/evidence", EvidenceViewSet, basename="evidence")
router.register("obligations/events", EventViewSet, basename="subjectevent")
router.register("obligations/calendar-feeds", CalendarFeedViewSet, basename="calendarfeed")
router.register("scans/imports", ScanImportViewSet, basename="scanimport")
router.register("scans/findings", FindingViewSet, basename="finding")
router.register("scans/unmatched-hosts", UnmatchedHostViewSet, basename="unmatchedhost")
router.register("scans/fix-deadlines", FixDeadlineViewSet, basename="fixdeadline")
router.register("scans/formats", FormatViewSet, basename="scanformat")
router.register("incidents/cases", IncidentViewSet, basename="incident")
router.register("incidents/reports", ReportViewSet, basename="incidentreport")
router.register("incidents/deliveries", DeliveryViewSet, basename="incidentdelivery")
readiness_api.register(router)
public_api.register(router)
reports_api.register(router)
dashboards_api.register(router)

app_name = "api"

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
