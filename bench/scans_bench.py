"""Scan import benchmark: synthetic large Nessus and OpenVAS reports, imported end to end.

The reports are built from the corpus by replicating real elements with a distinct host per copy:
``<ReportHost>`` blocks of nessus/nessus/nessus_v_unknown.xml (the densest Nessus sample) and
``<result>`` elements of openvas/many_vuln.xml. For each file it measures, each in a fresh child
process so that peak RSS is that step's own:

  iterparse   bare ``lxml.etree.iterparse`` over the file, clearing elements (the denominator)
  parse       ATTT's parser alone (detect + stream every normalised finding)
  import      ``attt scans import`` end to end: parse + match + de-duplicate + persist + ledger
  re-import   the same file again (every finding unchanged)

Usage: python bench/scans_bench.py [--sizes 50,500] [--keep DIR]
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "attt" / "scans" / "tests" / "corpus"
MB = 1024 * 1024


def host_ip(index: int) -> str:
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255 or 1}"


def build_nessus(target: Path, size_mb: int) -> int:
    offset = size_mb * 20000  # each size gets its own hosts, so the second size is a first import too
    text = (CORPUS / "nessus/nessus/nessus_v_unknown.xml").read_text(encoding="utf-8")
    first, last = text.index("<ReportHost "), text.rindex("</ReportHost>") + len("</ReportHost>")
    hosts = re.findall(r"<ReportHost .*?</ReportHost>", text[first:last], flags=re.S)
    copies = 0
    with open(target, "w", encoding="utf-8") as out:
        out.write(text[:first])
        while out.tell() < size_mb * MB:
            block = hosts[copies % len(hosts)]
            ip = host_ip(offset + copies + 1)
            block = re.sub(r'<ReportHost name="[^"]*"', f'<ReportHost name="bench-host-{ip}"', block, count=1)
            block = re.sub(r'(<tag name="host-ip">)[^<]*', rf"\g<1>{ip}", block)
            block = re.sub(r'(<tag name="(host-fqdn|hostname|netbios-name)">)[^<]*', rf"\g<1>bench-host-{ip}", block)
            out.write(block)
            copies += 1
        out.write(text[last:])
    return copies


def build_openvas(target: Path, size_mb: int) -> int:
    offset = size_mb * 20000 + 10000
    text = (CORPUS / "openvas/many_vuln.xml").read_text(encoding="utf-8")
    first = text.index("<result ")
    last = text.rindex("</result>") + len("</result>")
    results = re.findall(r"<result .*?</result>", text[first:last], flags=re.S)
    copies = 0
    with open(target, "w", encoding="utf-8") as out:
        out.write(text[:first])
        while out.tell() < size_mb * MB:
            ip = host_ip(offset + copies + 1)
            for result in results:
                out.write(re.sub(r"<host>[^<]*", f"<host>{ip}", result))
            copies += 1
        out.write(text[last:])
    return copies * len(results)


def peak_rss_mb() -> float:
    """VmHWM of this process image: unlike ru_maxrss it is not inherited across fork+exec, so the
    child's figure is its own and not the parent's (which held the report builder's strings)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(step: str, path: str, org: str):
    """One measured step in this (fresh) process; prints JSON with seconds and peak RSS."""
    started = time.perf_counter()
    extra = {}
    if step == "iterparse":
        from lxml import etree

        count = 0
        for _event, element in etree.iterparse(path, events=("end",), resolve_entities=False, no_network=True,
                                               huge_tree=True):
            count += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        extra["elements"] = count
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attt.settings")
        import django

        django.setup()
        if step == "parse":
            from attt.scans import parsers

            module, _report, findings = parsers.parse(Path(path))
            extra["findings"] = sum(1 for _ in findings)
            extra["format"] = module.NAME
        else:
            from django.contrib.auth import get_user_model

            from attt.scans import services
            from attt.tenancy.models import Organisation

            operator = get_user_model()(username="bench", is_superuser=True, is_active=True)
            scan = services.import_file(operator, path, organisation=Organisation.objects.get(code=org))
            assert scan.status == "done", scan.error
            extra.update(records=scan.records, new=scan.new, unchanged=scan.unchanged, closed=scan.closed,
                         hosts=scan.hosts, unmatched=scan.unmatched_hosts)
    extra["seconds"] = time.perf_counter() - started
    extra["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(extra))


def measure(step, path, org="BENCH"):
    output = subprocess.run([sys.executable, __file__, "--child", step, str(path), org], check=True,
                            capture_output=True, text=True, env=os.environ).stdout
    return json.loads(output.strip().splitlines()[-1])


def setup_database():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attt.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from attt.testing import make_org, make_system

    call_command("migrate", verbosity=0)
    root = make_org("BENCH", "ministry")
    # Sixteen systems sharing 10.0.0.0/8, so every synthetic host is matched through an IP range.
    for index in range(16):
        make_system(root, f"Bench system {index}", networks=[f"10.{index * 16}.0.0/12"])
    return connection.vendor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500")
    parser.add_argument("--keep", default="")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    vendor = setup_database()
    directory = Path(args.keep or tempfile.mkdtemp(prefix="attt-scan-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"database: {vendor}; reports in {directory}")
    print(f"{'report':<22}{'MB':>6}{'records':>9}  {'step':<10}{'seconds':>9}{'peak RSS MB':>13}{'× iterparse':>13}")
    for size in [int(s) for s in args.sizes.split(",")]:
        for kind, build in (("nessus", build_nessus), ("openvas", build_openvas)):
            path = directory / f"bench-{size}mb.{'nessus' if kind == 'nessus' else 'xml'}"
            if not path.exists():
                build(path, size)
            megabytes = path.stat().st_size / MB
            base = measure("iterparse", path)
            rows = [("iterparse", base), ("parse", measure("parse", path)), ("import", measure("import", path)),
                    ("re-import", measure("import", path))]
            for step, figures in rows:
                records = figures.get("records", figures.get("findings", ""))
                print(f"{path.name:<22}{megabytes:>6.0f}{records!s:>9}  {step:<10}{figures['seconds']:>9.1f}"
                      f"{figures['peak_rss_mb']:>13.0f}{figures['seconds'] / base['seconds']:>13.2f}")
            imported = rows[2][1]
            print(f"    import: {imported['new']} new, {imported['hosts']} hosts, {imported['unmatched']} unmatched;"
                  f" re-import: {rows[3][1]['unchanged']} unchanged, {rows[3][1]['closed']} closed")
            if not args.keep:
                path.unlink()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
