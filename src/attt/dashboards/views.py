from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from attt.inventory.models import InformationSystem, SystemStatus, SystemType
from attt.levels import rollup
from attt.levels.models import Dossier
from attt.levels.models.dossiers import UNDER_REVIEW
from attt.obligations.models import DutyState, DutyStatus
from attt.tenancy.access import current_organisation, visible
from attt.tenancy.models import AuditEntry, Organisation


@login_required
def home(request):
    systems = visible(request, InformationSystem.objects.all())
    by_status = dict(systems.values_list("status").annotate(n=Count("id")))
    by_type = dict(systems.values_list("system_type").annotate(n=Count("id")))
    duties = dict(visible(request, DutyStatus.objects.all()).order_by().values_list("status").annotate(n=Count("id")))
    return render(request, "dashboards/home.html", {
        "level_share": rollup.summary(rollup.counted_systems(request))[2],
        "dossiers_in_progress": visible(request, Dossier.objects.filter(
            state__in=UNDER_REVIEW)).count(),
        "duties_overdue": duties.get(DutyState.OVERDUE, 0),
        "duties_met_share": round(100 * duties.get(DutyState.MET, 0) / sum(duties.values()), 1) if duties else None,
        "current": current_organisation(request),
        "organisation_count": visible(request, Organisation.objects.all()).count(),
        "system_count": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in SystemStatus.choices],
        "by_type": [(label, by_type.get(value, 0)) for value, label in SystemType.choices],
        "recent": visible(request, AuditEntry.objects.all()).select_related("organisation")[:10],
    })
