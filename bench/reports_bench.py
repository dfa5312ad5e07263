"""Periodic-reports benchmark on the obligations benchmark's data (1,000 organisations, 20,000
systems, their evidence and duty statuses): one agency's Form 08 with 500 systems (figures,
DOCX, PDF, XLSX), a ministry's consolidation over ~100 agencies with some reports submitted, the
regulator's consolidation of the country from the ministries' submitted reports, and the
submission-status page as the regulator opens it (Django test client, median of 5).

Usage: ATTT_VAR_DIR=$(mktemp -d) python bench/reports_bench.py [--systems 20000] [--orgs 1000]
"""

import datetime
import statistics
import time
from zoneinfo import ZoneInfo

from common import start, timed  # sets Django up on the environment's database
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from obligations_bench import peak_mib, populate

from attt.obligations import recompute  # noqa: E402
from attt.reports import documents, figures, services  # noqa: E402
from attt.testing import make_user  # noqa: E402

NOW = datetime.datetime(2026, 12, 18, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def submit(head, organisation, kind, year, number=None, consolidated=False):
    report = services.generate(head, organisation, kind, year, number, consolidated=consolidated, now=NOW)
    services.approve(head, report, now=NOW)
    return services.submit(head, report, now=NOW)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def main():
    args, root, ministries, agencies = start(default_systems=20000, default_orgs=1000)
    big = populate(args, ministries, agencies)
    timed("duty statuses (full recompute, setup)", recompute.recompute_all)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    head = make_user("bench-head", root, "head")
    regulator = make_user("bench-regulator", root, "regulator")
    period = figures.current_period("annual", NOW.date())

    result = timed("Form 08 figures of an agency with 500 systems", lambda: figures.annual(big, period))
    assert len(result.rows) == 500
    snapshot = timed("  snapshot (figures + JSON)", lambda: services.snapshot.build("annual", big, period, now=NOW))
    timed("  render DOCX", lambda: documents.render_docx(snapshot))
    timed("  render XLSX", lambda: documents.render_xlsx(snapshot))
    timed("  render PDF", lambda: documents.render_pdf(snapshot))
    timed("  generate (all of it, stored)", lambda: services.generate(head, big, "annual", period.year, now=NOW))

    ministry = ministries[1]
    children = list(ministry.children.all())
    for agency in children[: len(children) // 2]:
        submit(head, agency, "annual", period.year)
    print(f"{len(children) // 2} of {len(children)} agencies of {ministry.code} submitted their annual report")
    report = timed(f"consolidated annual of {ministry.code} ({len(children)} agencies)", lambda: services.generate(
        head, ministry, "annual", period.year, consolidated=True, now=NOW))
    for other in ministries:
        if other != ministry:
            submit(head, other, "annual", period.year, consolidated=True)
    services.approve(head, report, now=NOW)
    services.submit(head, report, now=NOW)
    timed("regulator's consolidated annual (10 ministries' reports)", lambda: services.generate(
        regulator, root, "annual", period.year, consolidated=True, now=NOW))
    timed("regulator's consolidated quarterly (from the records)", lambda: services.generate(
        regulator, root, "quarterly", 2026, 4, consolidated=True, now=NOW))

    setup_test_environment()
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(regulator)
    url = f"/reports/status/?kind=annual&year={period.year}"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append(time.perf_counter() - began)
    print(f"{'submission status page, regulator (median of 5)':<52} {statistics.median(samples):8.3f} s")
    print(f"peak RSS at the end: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
