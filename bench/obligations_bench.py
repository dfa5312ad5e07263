"""Obligations benchmark: a full recompute of every duty for every organisation and system, an
incremental one after one new evidence, and the compliance board of an organisation with 500
systems as its officer opens it (Django test client, whole request: middleware, queries, template).

Usage: ATTT_VAR_DIR=$(mktemp -d) python bench/obligations_bench.py [--systems 20000] [--orgs 1000]
"""

import datetime
import resource
import statistics
import time

from common import start, timed  # sets Django up on the environment's database

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from attt.inventory.models import InformationSystem  # noqa: E402
from attt.levels.models import LevelStatus  # noqa: E402
from attt.obligations import evidence, recompute  # noqa: E402
from attt.obligations.models import DutyStatus, Evidence  # noqa: E402
from attt.testing import make_org, make_user  # noqa: E402

TYPES = ("internal", "online_service", "infrastructure", "internal", "other")
HOSTING = ("on_premises", "data_centre", "cloud")
BOARD_SYSTEMS = 500


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def populate(args, ministries, agencies):
    big = make_org("AG-BIG", "agency", ministries[0], is_state_body=True)
    for index, agency in enumerate(agencies):  # a realistic mix of flags
        agency.is_state_body = index % 3 != 0
        agency.is_network_member = index % 7 == 0
        agency.is_telecom = index % 50 == 0
    type(agencies[0]).objects.bulk_update(agencies, ["is_state_body", "is_network_member", "is_telecom"])
    owners = [big] * BOARD_SYSTEMS + [agencies[i % len(agencies)] for i in range(args.systems - BOARD_SYSTEMS)]
    InformationSystem.objects.bulk_create(
        InformationSystem(owner=owner, operator=owner, name=f"System {i}", system_type=TYPES[i % 5],
                          hosting=HOSTING[i % 3], information_classes=["personal"] if i % 2 else ["public"],
                          data_subjects_basic=(i % 4) * 50_000, go_live_date=datetime.date(2020 + i % 6, 1 + i % 12, 1))
        for i, owner in enumerate(owners))
    systems = list(InformationSystem.objects.values_list("id", "owner_id"))
    day = datetime.date(2026, 11, 23)
    LevelStatus.objects.bulk_create(LevelStatus(system_id=pk, approved_level=1 + i % 5, approved_on=day)
                                    for i, (pk, _owner) in enumerate(systems) if i % 4)
    Evidence.objects.bulk_create(
        Evidence(system_id=pk, organisation_id=owner, kind=kind, occurred_on=day - datetime.timedelta(days=i % 400),
                 title="bench")
        for i, (pk, owner) in enumerate(systems)
        for kind in ("vulnerability_scan", "response_plan", "security_assessment")[: 1 + i % 3])
    return big


def main():
    args, root, ministries, agencies = start(default_systems=20000, default_orgs=1000)
    big = populate(args, ministries, agencies)
    print(f"evidence rows: {Evidence.objects.count()}; peak RSS before recompute: {peak_mib():.0f} MiB")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    counts, _snapshot = timed("full recompute (first: every row created)", recompute.recompute_all)
    print(f"  {counts}; duty status rows: {DutyStatus.objects.count()}; peak RSS: {peak_mib():.0f} MiB")
    counts, _snapshot = timed("full recompute again (nothing changed)", recompute.recompute_all)
    print(f"  {counts}; peak RSS: {peak_mib():.0f} MiB")
    counts, _snapshot = timed("full recompute one year later", lambda: recompute.recompute_all(
        on=datetime.date(2027, 11, 23)))
    print(f"  {counts}")
    timed("full recompute back to today", recompute.recompute_all)

    system = InformationSystem.objects.filter(owner=big).first()
    timed("record one evidence (incremental recompute of 1 system)", lambda: evidence.record(
        kind="drill_real_world", system=system, occurred_on=datetime.date(2026, 11, 1), title="drill"))
    timed("refresh rows whose answer changes tomorrow", lambda: recompute.refresh_due(
        on=datetime.date(2026, 11, 24)))

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_test_environment()
    officer = make_user("bench-officer", big, "security_officer")
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(officer)
    first = client.get("/obligations/")
    assert first.status_code == 200 and f"System {BOARD_SYSTEMS - 1}<" in first.content.decode()
    samples = []
    for _ in range(15):
        began = time.perf_counter()
        response = client.get("/obligations/")
        samples.append(time.perf_counter() - began)
        assert response.status_code == 200
    rows = len(response.context["board"].rows)
    columns = len(response.context["board"].columns)
    print(f"{'compliance board, ' + str(rows) + ' systems x ' + str(columns) + ' duties (median of 15)':<52} "
          f"{statistics.median(samples):8.3f} s  (min {min(samples):.3f}, max {max(samples):.3f}; "
          f"{len(response.content) // 1024} KiB)")
    print(f"peak RSS at the end: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
