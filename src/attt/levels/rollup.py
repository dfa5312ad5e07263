"""Share of systems with an approved, current level (Dispatch 33 / Directive 09 demand 100 %), per
organisation and rolled up over every subtree, plus the systems that still lack one."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory.downloads import download
from attt.inventory.models import InformationSystem, SystemStatus
from attt.inventory.spreadsheet import csv_bytes
from attt.tenancy.access import visible
from attt.tenancy.models import Organisation, path_ids


@dataclass
class Row:
    organisation: Organisation
    own_total: int = 0
    own_approved: int = 0
    total: int = 0
    approved: int = 0

    @property
    def share(self):
        return share(self.approved, self.total)


def share(approved, total):
    """Percentage with one decimal, or None when there is nothing to count."""
    return round(100 * approved / total, 1) if total else None


def summary(systems):
    """(approved and current, total, share) over already scoped ``systems``."""
    total = systems.count()
    approved = total - missing_systems(systems).count()
    return approved, total, share(approved, total)


def counted_systems(request_or_user):
    """Systems that need a level: in investment or operating (a retired system needs none)."""
    queryset = InformationSystem.objects.exclude(status=SystemStatus.RETIRED)
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
    wanted = {pk for path in owner_paths.values() for pk in path_ids(path)}
    rows = {org.pk: Row(org) for org in organisations.filter(pk__in=wanted)}
    for owner_id, (total, approved) in counts.items():
        if owner_id in rows:
            rows[owner_id].own_total, rows[owner_id].own_approved = total, approved
        for pk in path_ids(owner_paths[owner_id]):
            row = rows.get(pk)
            if row is not None:
                row.total += total
                row.approved += approved
    return sorted(rows.values(), key=lambda row: row.organisation.path)


def missing_csv_response(systems):
    """The systems missing a current level as a CSV download."""
    header = [_("Owner"), _("System"), _("Status"), _("Approved level"),
              _("Re-classification needed")]
    rows = []
    for system in missing_systems(systems).order_by("owner__path", "name"):
        status = getattr(system, "level_status", None)
        rows.append([system.owner.code, system.name, system.get_status_display(),
                     status.approved_level if status else "",
                     _("yes") if status and status.reclassification_needed else _("no")])
    stamp = timezone.localdate().strftime("%Y%m%d")
    return download(csv_bytes(header, rows), f"attt-missing-level-{stamp}.csv",
                    "text/csv; charset=utf-8")
