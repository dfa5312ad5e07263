"""Share of systems with an approved, current level (Dispatch 33 / Directive 09 demand 100 %), per
organisation and rolled up over every subtree, plus the systems that still lack one."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory.models import InformationSystem, SystemStatus
from attt.tenancy.access import visible
from attt.tenancy.models import Organisation


@dataclass
class Row:
    organisation: Organisation
    own_total: int = 0
    own_approved: int = 0
    total: int = 0
    approved: int = 0

    @property
    def share(self):
        return round(100 * self.approved / self.total, 1) if self.total else None

    @property
    def missing(self):
        return self.total - self.approved


def counted_systems(request_or_user, base=None):
    """Systems that need a level: in investment or operating (a retired system needs none)."""
    queryset = base if base is not None else InformationSystem.objects.all()
    queryset = queryset.exclude(status=SystemStatus.RETIRED)
    if hasattr(request_or_user, "user"):
        return visible(request_or_user, queryset)
    return queryset.visible_to(request_or_user)


def missing_systems(systems):
    """The systems among ``systems`` without an approved level that is still current."""
    return (systems.exclude(level_status__approved_level__isnull=False,
                            level_status__reclassification_needed=False)
            .select_related("owner", "level_status"))


def rollup(systems, organisations):
    """One Row per visible organisation that owns a counted system or lies above one, in tree order.

    ``systems`` and ``organisations`` are already scoped: ancestors the user may not see get no
    row, and their totals only ever count systems the user may see.
    """
    counts = {}
    for owner_id, approved_level, needed in systems.values_list(
            "owner_id", "level_status__approved_level", "level_status__reclassification_needed"):
        total, approved = counts.get(owner_id, (0, 0))
        counts[owner_id] = (total + 1, approved + (approved_level is not None and not needed))
    if not counts:
        return []
    owner_paths = dict(Organisation.objects.filter(pk__in=counts).values_list("pk", "path"))
    wanted = {int(pk) for path in owner_paths.values() for pk in path.strip("/").split("/")}
    rows = {org.pk: Row(org) for org in organisations.filter(pk__in=wanted)}
    for owner_id, (total, approved) in counts.items():
        if owner_id in rows:
            rows[owner_id].own_total, rows[owner_id].own_approved = total, approved
        for pk in owner_paths[owner_id].strip("/").split("/"):
            row = rows.get(int(pk))
            if row is not None:
                row.total += total
                row.approved += approved
    return sorted(rows.values(), key=lambda row: row.organisation.path)


def missing_csv_response(systems):
    """The systems missing a current level as CSV (UTF-8 with BOM: Excel then shows diacritics)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_("Owner"), _("System"), _("Status"), _("Approved level"),
                     _("Re-classification needed")])
    for system in missing_systems(systems).order_by("owner__path", "name"):
        status = getattr(system, "level_status", None)
        writer.writerow([system.owner.code, system.name, system.get_status_display(),
                         status.approved_level if status else "",
                         _("yes") if status and status.reclassification_needed else _("no")])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="attt-missing-level-{stamp}.csv"'
    return response
