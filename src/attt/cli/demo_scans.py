"""Demo vulnerability scans: real scanner reports from the corpus, re-addressed to demo hosts, imported
through the same service the web page uses — a first Nessus scan, a re-scan a month later that
closes what was fixed, a ZAP scan of a portal, and one host no system claims."""

import re
import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.scans import services
from attt.scans.models import ScanImport
from attt.tenancy.models import Organisation

CORPUS = Path(__file__).resolve().parents[1] / "scans" / "tests" / "corpus"
# The seven hosts of the corpus report become hosts of the Ministry of Finance; the last one is a
# machine nobody registered (it lands in the unmatched list).
DEMO_HOSTS = ["10.20.1.11", "10.20.1.12", "10.20.2.21", "10.20.2.31", "10.20.3.10", "10.20.0.2", "10.20.9.99"]


def _readdressed(text: str, days_ago: int) -> str:
    """The corpus report with demo addresses, dated ``days_ago`` (the scan date is the evidence's date)."""
    hosts = iter(DEMO_HOSTS)
    started = (timezone.now() - timedelta(days=days_ago)).strftime("%a %b %d %H:%M:%S %Y")
    text = re.sub(r'(<tag name="HOST_(?:START|END)">)[^<]*', rf"\g<1>{started}", text)

    def one_host(match):
        ip = next(hosts, "10.20.9.98")
        block = re.sub(r'(<tag name="host-ip">)[^<]*', rf"\g<1>{ip}", match.group(0))
        return re.sub(r'<ReportHost name="[^"]*"', f'<ReportHost name="{ip}"', block, count=1)

    return re.sub(r"<ReportHost .*?</ReportHost>", one_host, text, flags=re.S)


def load_scans_demo(admin):
    if ScanImport.objects.exists():
        return
    ministry = Organisation.objects.get(code="BTC")
    source = (CORPUS / "nessus/nessus/nessus_v_unknown.xml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        first = Path(directory) / "btc-nessus-2026-10.nessus"
        first.write_text(_readdressed(source, 40), encoding="utf-8")
        services.import_file(admin, first, organisation=ministry)
        # A month later: the plugins a patch run removed on the portal are gone (closed).
        later = Path(directory) / "btc-nessus-2026-11.nessus"
        later.write_text(re.sub(r'<ReportItem [^>]*pluginID="(1\d{4})".*?</ReportItem>', "", _readdressed(source, 8),
                                flags=re.S), encoding="utf-8")
        services.import_file(admin, later, organisation=ministry)
    portal = InformationSystem.objects.filter(name="Cổng thông tin điện tử Bộ Tài chính").first()
    if portal is not None:
        services.import_file(admin, CORPUS / "zap/zap-results-first-scan.xml", system=portal)
