"""Hand-built records over the two trees of ``build_world``, with the figures they must give.

Tree A (MIN-A → AG-A1):
* systems: Alpha (AG-A1, level 3 approved), Alpha-2 (AG-A1, no level), Alpha-old (AG-A1, retired:
  not counted), Ministry portal (MIN-A, level 2 approved) → 3 counted, 2 approved;
* duty statuses: Alpha D18-1 met, D18-2 overdue since 10 days, D18-3 due soon; Alpha-2 D18-1
  overdue since 30 days; MIN-A D18-4 met, AG-A1 D18-4 overdue → 6 applicable, 2 met, 3 overdue;
  team duty met by 1 of 2;
* findings on Alpha: one critical (overdue), one high (not due), one medium (overdue);
* incidents: one open malware case of AG-A1 detected four days ago (its clocks are overdue), one
  closed case; the open case's notification delivered to MIN-A, not acknowledged;
* a completed tabletop drill of AG-A1 this year (score 70).

Tree B (PRV-B → UN-B1): Beta (UN-B1, level 1 approved), its D18-1 overdue, PRV-B's D18-4 with no
evidence, one high finding overdue, one open DoS case detected two hours ago.
"""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from attt.incidents import delivery
from attt.incidents import services as incident_services
from attt.incidents.models import Incident, IncidentStatus
from attt.levels.models import LevelStatus
from attt.obligations.models import DutyStatus
from attt.readiness import services_drills
from attt.scans import services as scan_services
from attt.scans.models import Finding
from attt.scans.tests.reports import nessus
from attt.testing import make_system

SCORES_70 = {"detection": 4, "containment": 3, "communication": 5, "reporting": 2, "recovery": 4}


def _status(organisation, duty_id, state, system=None, due=None):
    # Stored answers of the engine, set by hand (a test's transaction never commits, so the engine's
    # recompute-at-commit does not run and overwrite them).
    return DutyStatus.objects.update_or_create(organisation=organisation, system=system, duty_id=duty_id,
                                               defaults={"status": state, "next_due": due})[0]


def _findings(user, organisation, ip, items, due_by_plugin):
    path = nessus(Path(tempfile.mkdtemp()) / f"{organisation.code}.nessus", {ip: items})
    scan = scan_services.import_file(user, path, organisation=organisation)
    assert scan.status == "done", scan.error
    for finding in Finding.objects.filter(first_seen_import=scan).select_related("vulnerability"):
        plugin = finding.vulnerability.tool_id
        Finding.objects.filter(pk=finding.pk).update(due_on=due_by_plugin[plugin])


@pytest.fixture
def data(world):
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=10), today + datetime.timedelta(days=20)
    w = world
    w.today = today
    w.system_a2 = make_system(w.agency, "Alpha-2 Zq7")
    w.system_old = make_system(w.agency, "Alpha-old Zq7", status="retired")
    w.system_m = make_system(w.ministry, "Cổng Bộ A")
    LevelStatus.objects.create(system=w.system_a, approved_level=3, approved_on=past)
    LevelStatus.objects.create(system=w.system_m, approved_level=2, approved_on=past)
    LevelStatus.objects.create(system=w.system_b, approved_level=1, approved_on=past)

    DutyStatus.objects.all().delete()
    _status(w.agency, "D18-1", "met", w.system_a, future)
    _status(w.agency, "D18-2", "overdue", w.system_a, past)
    _status(w.agency, "D18-3", "due_soon", w.system_a, future)
    _status(w.agency, "D18-1", "overdue", w.system_a2, today - datetime.timedelta(days=30))
    _status(w.ministry, "D18-4", "met")
    _status(w.agency, "D18-4", "overdue", due=past)
    _status(w.unit, "D18-1", "overdue", w.system_b, past)
    _status(w.province, "D18-4", "no_evidence")

    _findings(w.officer_a, w.agency, "10.1.0.10", [("99170", 4, 443), ("99171", 3, 443), ("99172", 2, 80)],
              {"99170": past, "99171": future, "99172": past})
    _findings(w.officer_b, w.unit, "10.2.0.10", [("88170", 3, 443)], {"88170": past})

    now = timezone.now()
    w.case_a = incident_services.open_incident(w.operator_a1, w.agency, {
        "title": "Mã độc Alpha-Zq7", "incident_type": "malware", "reporter_name": "An",
        "detected_at": now - datetime.timedelta(days=4)}, [w.system_a.pk])
    w.closed_a = incident_services.open_incident(w.operator_a1, w.agency, {
        "title": "Cũ Alpha-Zq7", "incident_type": "phishing", "reporter_name": "An",
        "detected_at": now - datetime.timedelta(days=40)}, [])
    Incident.objects.filter(pk=w.closed_a.pk).update(status=IncidentStatus.CLOSED)
    w.case_b = incident_services.open_incident(w.officer_b, w.unit, {
        "title": "DoS Beta", "incident_type": "dos", "reporter_name": "Bình",
        "detected_at": now - datetime.timedelta(hours=2)}, [w.system_b.pk])
    report = delivery.generate_report(w.operator_a1, w.case_a, "notification")
    [w.delivery_a] = delivery.send_report(w.operator_a1, report, ["MIN-A"])

    drill = services_drills.save_drill(w.officer_a, w.agency, {
        "title": "Diễn tập Alpha-Zq7", "drill_type": "tabletop", "held_on": today.replace(day=1)}, [])
    services_drills.complete_drill(w.officer_a, drill, SCORES_70)
    return w
