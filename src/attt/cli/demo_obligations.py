"""Demo evidence for the legal duties: a realistic mix of proven, due-soon and overdue duties, so that
the compliance board shows every colour. Recorded through the same evidence interface the rooms use."""

import datetime
import zlib

from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.obligations import evidence
from attt.obligations.models import Evidence
from attt.tenancy.models import Organisation

# (kind, days ago for most systems, share of systems that have it, in per cent)
SYSTEM_EVIDENCE = [
    ("vulnerability_scan", 150, 70),   # scanned five months ago: due soon or met
    ("vulnerability_scan", 40, 35),
    ("response_plan", 200, 60),
    ("drill_real_world", 120, 50),
    ("security_assessment", 300, 40),
    ("monitoring_connection", 60, 50),
]
ORGANISATION_EVIDENCE = [
    ("response_team", 900, 80),
    ("annual_report", 335, 70),        # last December's report
    ("quarterly_report", 65, 60),
    ("security_regulation", 500, 50),
    ("incident_contacts_published", 700, 100),
    ("training", 100, 60),
]


def _chosen(key, share):
    """Stable pseudo-random choice, so a re-run picks the same subjects."""
    return zlib.crc32(key.encode()) % 100 < share


def load_obligations_demo(admin):
    if Evidence.objects.filter(title__startswith="[demo]").exists():
        return
    today = timezone.localdate()
    for system in InformationSystem.objects.select_related("owner"):
        for kind, days, share in SYSTEM_EVIDENCE:
            if _chosen(f"{system.pk}{kind}{days}", share):
                evidence.record(kind=kind, system=system, occurred_on=today - datetime.timedelta(days=days),
                                title=f"[demo] {kind} – {system.name}", recorded_by=admin)
    for organisation in Organisation.objects.all():
        for kind, days, share in ORGANISATION_EVIDENCE:
            if _chosen(f"{organisation.code}{kind}", share):
                evidence.record(kind=kind, organisation=organisation,
                                occurred_on=today - datetime.timedelta(days=days),
                                title=f"[demo] {kind} – {organisation.code}", recorded_by=admin)
