"""Incident room at national scale: the regulator's case list (every case's clocks computed), a
case page with many indicators and timeline events, report generation (DOCX + PDF), and STIX 2.1
export (validated by stix2) and import.

Usage: python bench/incidents_bench.py [--cases 2000] [--indicators 2000]
Cases are opened through ``services.open_incident`` (numbering, timeline, obligations event), so
the set-up time is also the cost of opening a case.
"""

import datetime
import statistics
import sys
import time

from common import start, timed  # noqa: I001  (sets Django up)

from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from attt.incidents import delivery, services, stix  # noqa: E402
from attt.incidents.models import Incident, TimelineEvent  # noqa: E402
from attt.inventory.models import InformationSystem  # noqa: E402
from attt.levels.models import LevelStatus  # noqa: E402
from attt.testing import make_org, make_user  # noqa: E402
from attt.tenancy.roles import Role  # noqa: E402

sys.argv, extra = sys.argv[:1], sys.argv[1:]
CASES = int(extra[extra.index("--cases") + 1]) if "--cases" in extra else 2000
INDICATORS = int(extra[extra.index("--indicators") + 1]) if "--indicators" in extra else 2000
TYPES = ["dos", "phishing", "malware", "unauthorised_access", "defacement", "ransomware"]


def median_request(client, url, runs=7):
    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(response.content)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", ALLOWED_HOSTS=["*"])
def main():
    _args, root, ministries, agencies = start(default_systems=CASES, default_orgs=111)
    make_org("NCA", "national_coordination", root, email="ir@nca.example")
    regulator = make_user("bench.regulator", root, Role.REGULATOR)
    officer = make_user("bench.officer", agencies[0], Role.SECURITY_OFFICER)
    opener = make_user("bench.opener", root, Role.SECURITY_OFFICER)  # opens cases everywhere
    InformationSystem.objects.bulk_create(
        InformationSystem(owner=agencies[i % len(agencies)], operator=agencies[i % len(agencies)],
                          name=f"System {i}", system_type="online_service", hosting="data_centre")
        for i in range(len(agencies) * 2))
    systems = {}
    for system in InformationSystem.objects.all():
        systems.setdefault(system.owner_id, system)
    LevelStatus.objects.bulk_create(LevelStatus(system=s, approved_level=1 + s.pk % 5) for s in systems.values())
    now = timezone.now()

    def open_all():
        for i in range(CASES):
            agency = agencies[i % len(agencies)]
            services.open_incident(opener, agency, {
                "title": f"Sự cố {i}", "incident_type": TYPES[i % len(TYPES)], "reporter_name": "Bench",
                "detected_at": now - datetime.timedelta(hours=i % 400), "personal_data": i % 3 == 0,
                "harm_national_security": i % 17 == 0, "beyond_capability": i % 5 == 0,
                "impacts": ["service_interruption"] if i % 4 == 0 else []}, [systems[agency.pk].pk])
    timed(f"open {CASES} cases through the service", open_all)

    client = Client()
    client.force_login(regulator)
    seconds, size = median_request(client, "/incidents/", runs=5)
    print(f"{'regulator case list, all clocks, median of 5':<52} {seconds:8.3f} s  ({size:,} bytes)")
    seconds, _size = median_request(client, "/api/incidents/cases/?page=1", runs=5)
    print(f"{'API case list page, median of 5':<52} {seconds:8.3f} s")

    case = Incident.objects.filter(organisation=agencies[0]).first()
    items = [{"kind": "ipv4", "value": f"198.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
              "tlp": ["clear", "green", "amber", "red"][i % 4]} for i in range(INDICATORS)]
    timed(f"add {INDICATORS} indicators (validated)", lambda: services.add_indicators(officer, case, items))
    TimelineEvent.objects.bulk_create(TimelineEvent(incident=case, occurred_at=now, text=f"Bước {i}")
                                      for i in range(500))
    client.force_login(officer)
    seconds, size = median_request(client, f"/incidents/{case.pk}/", runs=5)
    print(f"{'case page, 2,000 IOCs + 500 events, median of 5':<52} {seconds:8.3f} s  ({size:,} bytes)")
    bundle = timed(f"STIX export of {INDICATORS} indicators + validation", lambda: stix.export_bundle(case))
    print(f"{'  bundle size':<52} {len(bundle):>10,} bytes")
    read = timed("STIX import (read + normalise)", lambda: stix.read_indicators(bundle))
    assert len(read[0]) == INDICATORS, (len(read[0]), read[1][:3])
    small = Incident.objects.exclude(pk=case.pk).first()
    for kind in ("form03", "d331_report"):
        timed(f"generate {kind} (snapshot + DOCX + PDF)", lambda: delivery.generate_report(opener, small, kind))
    report = small.reports.first()
    timed("send one report to 2 organisations", lambda: delivery.send_report(opener, report, ["NCA", "MIN-1"]))


if __name__ == "__main__":
    main()
