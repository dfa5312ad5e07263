"""Inventory benchmark: import N systems from CSV (all or nothing, audited), export them, and list
them through the scoping mechanism, on whatever database the environment selects.

Usage: ATTT_VAR_DIR=$(mktemp -d) python bench/inventory_bench.py [--systems 2000] [--orgs 300]
"""

import csv
import io
import resource

from common import start, timed  # sets Django up on the environment's database

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from attt.inventory import spreadsheet  # noqa: E402
from attt.inventory.models import InformationSystem  # noqa: E402
from attt.tenancy.audit import verify_chain  # noqa: E402
from attt.testing import make_user  # noqa: E402


def main():
    args, root, ministries, agencies = start()
    admin = make_user("bench-admin", is_superuser=True)
    officer = make_user("bench-officer", ministries[0], "security_officer")

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Owner code", "Name", "Type", "Hosting", "IP ranges", "Domains", "Hosts"])
    for i in range(args.systems):
        owner = agencies[i % len(agencies)]
        a, b = divmod(i, 256)
        writer.writerow([owner.code, f"System {i}", "online_service", "data_centre", f"10.{a % 256}.{b}.0/24",
                         f"s{i}.example.gov.vn", f"web{i} 10.{a % 256}.{b}.10"])
    content = buffer.getvalue().encode()

    planned = timed(f"check {args.systems} rows (parse + validate)", lambda: spreadsheet.parse_file(admin, "b.csv", content))
    assert len(planned) == args.systems
    timed(f"import {args.systems} systems (audited, one transaction)", lambda: spreadsheet.import_systems(admin, "b.csv", content))
    rows = timed("export all to XLSX", lambda: spreadsheet.write_xlsx(spreadsheet.export_queryset(InformationSystem.objects.all())))
    print(f"{'XLSX size':<48} {len(rows) / 1024:8.0f} KiB")

    def scoped_list():
        with CaptureQueriesContext(connection) as queries:
            systems = list(InformationSystem.objects.visible_to(officer).with_related()[:50])
            total = InformationSystem.objects.visible_to(officer).count()
        return len(systems), total, len(queries)

    reset_queries()
    first, total, queries = timed("officer's first page of 50 + count (scoped)", scoped_list)
    print(f"{'  rows in scope / queries':<48} {total:>8} / {queries}")
    result = timed("verify the audit chain", verify_chain)
    print(f"{'  audit entries verified':<48} {result.checked:8}")
    print(f"{'peak RSS':<48} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MiB")


if __name__ == "__main__":
    main()
