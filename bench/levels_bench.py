"""Security-levels benchmark: classify N systems through the service (stored, audited), approve a
share of them, then time the approval roll-up and the missing-level list a supervisor opens, and the
working-day clock, on whatever database the environment selects.

Usage: ATTT_VAR_DIR=$(mktemp -d) python bench/levels_bench.py [--systems 2000] [--orgs 300]
"""

import datetime
import os

from common import start, timed  # sets Django up on the environment's database

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from attt import workdays  # noqa: E402
from attt.inventory.models import InformationSystem  # noqa: E402
from attt.levels import classification, services  # noqa: E402
from attt.levels.models import LevelStatus  # noqa: E402
from attt.levels.rollup import counted_systems, missing_systems, rollup  # noqa: E402
from attt.tenancy import audit  # noqa: E402
from attt.tenancy.models import Organisation  # noqa: E402
from attt.testing import make_user  # noqa: E402

ANSWERS = {"system_type": "online_service", "information_classes": ["personal"],
           "data_subjects_basic": 150_000}


def main():
    args, root, ministries, agencies = start()
    admin = make_user("bench-admin", is_superuser=True)
    supervisor = make_user("bench-supervisor", root, "supervisor")
    InformationSystem.objects.bulk_create(
        InformationSystem(owner=agencies[i % len(agencies)], operator=agencies[i % len(agencies)],
                          name=f"System {i}", system_type="online_service", hosting="cloud",
                          information_classes=["personal"], data_subjects_basic=150_000)
        for i in range(args.systems))
    systems = list(InformationSystem.objects.select_related("owner", "operator"))

    day = datetime.date(2026, 11, 23)
    timed(f"classify {args.systems} answers (engine only)",
          lambda: [classification.classify(ANSWERS, day) for _ in range(args.systems)])
    sample = systems[:200]
    with audit.acting_as(admin), audit.batch():
        timed("classify + store + open dossier, 200 systems",
              lambda: [services.classify_system(admin, s, ANSWERS, day) for s in sample])
    # Approve half directly: the roll-up reads LevelStatus, whatever path produced it.
    LevelStatus.objects.bulk_create(LevelStatus(system=s, approved_level=3, approved_on=day)
                                    for s in systems[::2])

    if connection.vendor == "postgresql":
        # A production database has autovacuum's statistics; a freshly loaded one has none, and the
        # planner then nests loops over the organisation join.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def supervisor_rollup():
        scoped = counted_systems(supervisor)
        return rollup(scoped, Organisation.objects.visible_to(supervisor)), missing_systems(scoped).count()

    with CaptureQueriesContext(connection) as queries:
        rows, missing = timed("roll-up + missing count (supervisor, whole tree)", supervisor_rollup)
    print(f"  {len(rows)} rows, root share {rows[0].share} %, {missing} missing, {len(queries)} queries")
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:300]}")
    timed("add_working_days(…, 25) × 10,000",
          lambda: [workdays.add_working_days(day + datetime.timedelta(days=i % 365), 25)
                   for i in range(10_000)])


if __name__ == "__main__":
    main()
