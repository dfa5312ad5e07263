"""Dashboards benchmark: the national regulator's dashboard, ranking, overdue-duty list and CSV export
over the whole country (Django test client, whole request: middleware, queries, template).

The tree, the systems, their levels and evidence come from the obligations benchmark's builder
(``obligations_bench.populate``), the duty statuses from a full recompute; open and fixed findings,
incident cases (a tenth of them open, each with an affected system and some reports delivered to
the ministry above), and completed drills are added here with bulk_create.

Usage: ATTT_VAR_DIR=$(mktemp -d) python bench/dashboards_bench.py [--systems 20000] [--orgs 1000]
"""

import datetime
import statistics
import time

from common import start, timed  # noqa: I001  (sets Django up on the environment's database)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from obligations_bench import peak_mib, populate

from attt.incidents.models import Delivery, Incident, IncidentReport, IncidentSystem  # noqa: E402
from attt.inventory.models import InformationSystem  # noqa: E402
from attt.obligations import recompute  # noqa: E402
from attt.obligations.models import DutyStatus  # noqa: E402
from attt.readiness.models import Drill  # noqa: E402
from attt.scans.models import Finding, Vulnerability  # noqa: E402
from attt.tenancy.models import Organisation  # noqa: E402
from attt.tenancy.roles import Role  # noqa: E402
from attt.testing import make_user  # noqa: E402

SEVERITIES = ("critical", "high", "medium", "low", "info")
TYPES = ("dos", "phishing", "malware", "unauthorised_access", "defacement", "ransomware", "data_theft", "other")
SCORES = {"detection": 4, "containment": 3, "communication": 5, "reporting": 2, "recovery": 4}
RUNS = 5


def add_findings(today):
    """Three findings on every second system: open ones (some past their fix-by date) and fixed ones,
    first seen over the last two years."""
    vulnerabilities = Vulnerability.objects.bulk_create(
        Vulnerability(digest=f"bench-{i}", tool="nessus", tool_id=str(10000 + i), title=f"Check {i}",
                      severity=SEVERITIES[i % 5]) for i in range(50))
    rows = []
    for index, (system_id,) in enumerate(InformationSystem.objects.values_list("id")):
        if index % 2:
            continue
        for n in range(3):
            vulnerability = vulnerabilities[(index + n) % 50]
            seen = today - datetime.timedelta(days=(index * 7 + n * 91) % 730)
            fixed = (index + n) % 3 == 0
            rows.append(Finding(
                system_id=system_id, vulnerability=vulnerability, tool="nessus", fingerprint=f"{index}-{n}",
                severity=vulnerability.severity, host=f"10.0.{index % 250}.{n}", status="fixed" if fixed else "open",
                first_seen_on=seen, last_seen_on=today, closed_on=seen + datetime.timedelta(days=30) if fixed else None,
                due_on=seen + datetime.timedelta(days=15 + 30 * (index % 4))))
    Finding.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def add_incidents(number, now):
    """``number`` cases over the last two years, every tenth still open with one affected system;
    a third of the open ones reported to the ministry above (half of those acknowledged)."""
    owners = list(InformationSystem.objects.values_list("id", "owner_id", "owner__parent_id")[:number])
    cases = Incident.objects.bulk_create(
        Incident(organisation_id=owners[i % len(owners)][1], reference=f"B-{i:06d}", title=f"Case {i}",
                 detected_at=now - datetime.timedelta(hours=7 + (i * 37) % (730 * 24)), reporter_name="Bench",
                 incident_type=TYPES[i % len(TYPES)], status="investigating" if i % 10 == 0 else "closed")
        for i in range(number))
    open_cases = [(case, owners[i % len(owners)]) for i, case in enumerate(cases) if i % 10 == 0]
    IncidentSystem.objects.bulk_create(IncidentSystem(incident=case, system_id=owner[0]) for case, owner in open_cases)
    reports = IncidentReport.objects.bulk_create(
        IncidentReport(incident=case, kind="d331_report", version=1, title="Report", docx="x", docx_sha256="0",
                       pdf="x", pdf_sha256="0") for case, _owner in open_cases[::3])
    Delivery.objects.bulk_create(
        Delivery(report=report, recipient_id=owner[2], status="in_app", sent_at=now,
                 acknowledged_at=now if i % 2 else None)
        for i, (report, (_case, owner)) in enumerate(zip(reports, open_cases[::3])))
    return len(cases), len(open_cases)


def add_drills(today):
    organisations = list(Organisation.objects.filter(kind="agency").values_list("id", flat=True)[::4])
    Drill.objects.bulk_create(
        Drill(organisation_id=pk, title="Bench drill", drill_type="real_world" if i % 2 else "tabletop",
              held_on=today.replace(month=1, day=15), status="completed", scores=SCORES)
        for i, pk in enumerate(organisations))
    return len(organisations)


def median_request(client, url):
    first = client.get(url)  # warm-up
    assert first.status_code == 200, (url, first.status_code)
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), min(samples), max(samples), len(response.content)


def main():
    args, root, ministries, agencies = start(default_systems=20000, default_orgs=1000)
    populate(args, ministries, agencies)
    today, now = timezone.localdate(), timezone.now()
    counts, _snapshot = timed("duty statuses (full recompute)", recompute.recompute_all)
    findings = timed("findings (bulk_create)", lambda: add_findings(today))
    cases, open_cases = timed("incidents (bulk_create)", lambda: add_incidents(max(1000, args.systems // 10), now))
    drills = timed("completed drills (bulk_create)", lambda: add_drills(today))
    print(f"organisations: {Organisation.objects.count()}; systems: {InformationSystem.objects.count()}; "
          f"duty statuses: {DutyStatus.objects.count()}; findings: {findings}; cases: {cases} "
          f"({open_cases} open); drills: {drills}; peak RSS: {peak_mib():.0f} MiB")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    setup_test_environment()
    regulator = make_user("bench-regulator", root, Role.REGULATOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(regulator)
    for label, url in (("dashboard", "/dashboard/"), ("ranking (ministries, each with its subtree)", "/dashboard/ranking/"),
                       ("ranking (every organisation, page 1)", "/dashboard/ranking/?all=1"),
                       ("overdue duties (page 1)", "/dashboard/overdue/"), ("dashboard CSV export", "/dashboard/?export=csv"),
                       ("API summary", "/api/dashboard/summary/")):
        median, fastest, slowest, size = median_request(client, url)
        print(f"{label + f' (median of {RUNS})':<52} {median:8.3f} s  (min {fastest:.3f}, max {slowest:.3f}; "
              f"{size // 1024} KiB)")
    print(f"peak RSS at the end: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
