"""Qualys (asset XML, scan XML, WAS XML, VMDR CSV, VM/PCI CSV), Nmap XML and Wazuh JSON parsers
against every corpus file in qualys/, nmap/ and wazuh/.

Expected counts were derived from the files, independently of the parsers:
* qualys/qualys/*.xml: ``grep -c '<VULN_INFO>'`` (301, 0);
* qualys/qualys/*.csv: ``csv.DictReader`` rows with any non-empty cell (6, 0, 1);
* qualys/qualys_infrascan_webgui: ``grep -cE '<(VULN|PRACTICE|INFO|SERVICE) number='`` (0, 1, 1, 24);
* qualys/qualys_vmdr: data lines after the header, ``grep -c '^"CVE-\\|^"[0-9]'`` (5, 5, 0, 0, 0, 1, 1, 1);
* qualys/qualys_webapp: ElementTree ``RESULTS/VULNERABILITY_LIST/VULNERABILITY`` +
  ``RESULTS/INFORMATION_GATHERED_LIST/INFORMATION_GATHERED`` (1+0, 4+18, 0+17, 1+13);
* nmap: ``grep -c '<state state="open"'`` (open ports) + ``grep -c '<elem key="type">cve'`` (vulners CVEs);
* wazuh: ``len(json.load(f)["data"]["affected_items"])`` or ``len(...["hits"]["hits"])``.
"""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from attt.scans import parsers
from attt.scans.parsers import (
    base,
    nmap,
    qualys_csv,
    qualys_scan,
    qualys_vmdr,
    qualys_was,
    qualys_xml,
    sniffing,
    wazuh,
)

from .corpus import corpus_file, parse_all

MINE = (qualys_xml, qualys_scan, qualys_was, qualys_vmdr, qualys_csv, nmap, wazuh)
UTC = timezone.utc

# (file, format, findings, probe): probe selects one finding by the fields in "where" and checks "expect".
CASES = [
    # 301 <VULN_INFO>; QID 370876 is TYPE Practice (potential), glossary severity 4, CVSS 9.3 / 9.0, 7 CVEs
    ("qualys/qualys/Qualys_Sample_Report.xml", "qualys_xml", 301, {
        "where": {"tool_id": "370876", "host_ip": "64.41.200.243"},
        "expect": {"severity": "high", "tool_severity": "4", "cvss_v2_score": 9.3,
                   "cvss_v2_vector": "AV:N/AC:M/Au:N/C:C/I:C/A:C", "cvss_v3_score": 9.0,
                   "host_fqdn": "demo13.s02.sjc01.qualys.com", "port": None,
                   "cves": [f"CVE-2018-{n}" for n in range(8930, 8937)],
                   "title": "AMD Processors Multiple Security Vulnerabilities (RYZENFALL/MASTERKEY/CHIMERA-FW/FALLOUT)"}}),
    ("qualys/qualys/empty.xml", "qualys_xml", 0, None),  # 0 <VULN_INFO>
    # 6 rows; QID 91762 on 10.98.57.180 has CVSS3 Base 9.9 and a CVE list
    ("qualys/qualys/Qualys_Sample_Report.csv", "qualys_csv", 6, {
        "where": {"tool_id": "91762"},
        "expect": {"title": "Microsoft Windows Security Update for May 2021", "severity": "critical",
                   "tool_severity": "5", "cvss_v3_score": 9.9,
                   "cvss_v3_vector": "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", "host_ip": "10.98.57.180",
                   "host_fqdn": "ip-10-98-57-180.eu-west-1.compute.internal"}}),
    ("qualys/qualys/empty.csv", "qualys_csv", 0, None),  # header and blank lines only
    # 1 row: QID 86476, TYPE POTENTIAL, Q_SEVERITY 3, CVSS_BASE 6.4, port 80/tcp
    ("qualys/qualys/monthly_pci_issue6932.csv", "qualys_csv", 1, {
        "where": {"tool_id": "86476"},
        "expect": {"title": "Web Server Stopped Responding", "severity": "medium", "tool_severity": "3",
                   "cvss_v2_score": 6.4, "host_ip": "192.168.0.1", "host_fqdn": "abv.xyw.com.fj",
                   "port": 80, "protocol": "tcp"}}),
    ("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_0.xml", "qualys_scan", 0, None),
    # 1 <VULN number="123168" severity="5">, CVSS_BASE 10, CVSS3_BASE 3.4, 19 CVEs
    ("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_1.xml", "qualys_scan", 1, {
        "where": {"tool_id": "123168"},
        "expect": {"title": "Oracle Java SE Critical Patch Update - January 2015", "severity": "critical",
                   "tool_severity": "5", "cvss_v2_score": 10.0, "cvss_v3_score": 3.4,
                   "host_ip": "10.1.10.1", "host_fqdn": "host1.example.com"}}),
    # 1 <VULN number="82024" severity="2">; the host's name is "No registered hostname"
    ("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_3.xml", "qualys_scan", 1, {
        "where": {"tool_id": "82024"},
        "expect": {"severity": "low", "tool_severity": "2", "cvss_v2_score": 5.0, "cves": ["CVE-2002-0510"],
                   "host_ip": "10.1.10.1", "host_fqdn": ""}}),
    # 6 VULN + 2 PRACTICE + 12 INFO + 4 SERVICE; PRACTICE 124848 severity 5 on 10.2.10.2
    ("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_multiple.xml", "qualys_scan", 24, {
        "where": {"tool_id": "124848", "host_ip": "10.2.10.2"},
        "expect": {"severity": "critical", "cvss_v2_score": 9.3, "cvss_v3_score": 8.1,
                   "cves": ["CVE-2016-0636"], "host_fqdn": "host2.example.com"}}),
    # 5 rows; QID 800004 (severity 4) on two IPv4 addresses, port 0
    ("qualys/qualys_vmdr/many_vulns_cve.csv", "qualys_vmdr", 5, {
        "where": {"tool_id": "800004"},
        "expect": {"title": "Local Privilege Escalation", "severity": "high", "tool_severity": "4",
                   "cvss_v2_score": 7.2, "cvss_v3_score": 7.8, "cves": ["CVE-2023-0004"],
                   "host_ip": "192.168.1.100", "host_fqdn": "workstation01", "port": None}}),
    ("qualys/qualys_vmdr/many_vulns_qid.csv", "qualys_vmdr", 5, {
        "where": {"tool_id": "100003"},
        "expect": {"title": "Outdated Software Version", "severity": "medium", "host_ip": "10.0.0.20",
                   "host_fqdn": "appserver01", "port": 22, "protocol": "tcp"}}),
    ("qualys/qualys_vmdr/no_vuln_cve.csv", "qualys_vmdr", 0, None),
    ("qualys/qualys_vmdr/no_vuln_no_metadata_cve.csv", "qualys_vmdr", 0, None),
    ("qualys/qualys_vmdr/no_vuln_qid.csv", "qualys_vmdr", 0, None),
    ("qualys/qualys_vmdr/one_vuln_cve.csv", "qualys_vmdr", 1, {
        "where": {"tool_id": "730143"},
        "expect": {"title": "Apache Log4j Remote Code Execution (Log4Shell)", "severity": "critical",
                   "cvss_v2_score": 9.3, "cvss_v3_score": 10.0, "cves": ["CVE-2021-44228"],
                   "host_ip": "10.1.0.50", "host_fqdn": "javaapp01", "port": 8080, "protocol": "tcp"}}),
    ("qualys/qualys_vmdr/one_vuln_no_metadata_cve.csv", "qualys_vmdr", 1, {
        "where": {"tool_id": "730143"},
        "expect": {"severity": "critical", "cves": ["CVE-2021-44228"], "host_ip": "10.1.0.50", "port": 8080}}),
    ("qualys/qualys_vmdr/one_vuln_qid.csv", "qualys_vmdr", 1, {
        "where": {"tool_id": "100269"},
        "expect": {"title": "Microsoft Internet Explorer Security Update", "severity": "critical",
                   "host_ip": "10.0.0.1", "host_fqdn": "testserver01", "port": None, "protocol": ""}}),
    # WAS: QID 150085 is "Potential Vulnerability", severity 3, CWE-772, CVSS_BASE 6.1
    ("qualys/qualys_webapp/discussion_10239.xml", "qualys_was", 1, {
        "where": {"tool_id": "150085"},
        "expect": {"title": "Slow HTTP POST vulnerability", "severity": "medium", "tool_severity": "3",
                   "cwes": [772], "cvss_v2_score": 6.1, "url": "https://example.com/vulnerable-path",
                   "host_fqdn": "example.com", "unique_id": "20f4ba90-7bb0-11ea-ac65-5fc1d89b8cc7"}}),
    ("qualys/qualys_webapp/qualys_webapp_many_vuln.xml", "qualys_was", 22, {
        "where": {"unique_id": "2ba09eec-7bb4-11ea-8a61-939892c11a65"},
        "expect": {"tool_id": "150004", "title": "Path-Based Vulnerability", "severity": "low", "cwes": [22],
                   "cvss_v2_score": 2.1, "host_fqdn": "store.example.com",
                   "url": "https://store.example.com/js/xdr/core/lang/xdr_en.json.gz"}}),
    # information gathered only: severity info whatever the level, URL from APPENDIX/WEBAPP
    ("qualys/qualys_webapp/qualys_webapp_no_vuln.xml", "qualys_was", 17, {
        "where": {"tool_id": "150018"},
        "expect": {"title": "Connection Error Occurred During Web Application Scan", "severity": "info",
                   "tool_severity": "2", "url": "https://exweb.example.com/", "host_fqdn": "exweb.example.com"}}),
    ("qualys/qualys_webapp/qualys_webapp_one_vuln.xml", "qualys_was", 14, {
        "where": {"tool_id": "150085"},
        "expect": {"severity": "medium", "url": "https://services.example.com/", "cwes": [772]}}),
    # nmap: open ports + vulners CVE entries
    ("nmap/issue12411.xml", "nmap", 4, {  # 4 open + 0
        "where": {"host_ip": "54.239.28.85", "port": 443},
        "expect": {"title": "Open port 443/tcp: https", "severity": "info", "host_fqdn": "amazon.com",
                   "protocol": "tcp"}}),
    ("nmap/issue4406.xml", "nmap", 33, {  # 25 open + 8 CVEs
        "where": {"tool_id": "vulners:CVE-2018-20685"},
        "expect": {"severity": "low", "tool_severity": "2.6", "cves": ["CVE-2018-20685"], "port": 22,
                   "component": "OpenSSH", "version": "7.4", "host_ip": "10.250.195.71",
                   "references": ["https://vulners.com/cve/CVE-2018-20685"]}}),
    ("nmap/nmap_0port.xml", "nmap", 0, None),
    ("nmap/nmap_1port.xml", "nmap", 1, {
        "where": {"port": 5432},
        "expect": {"title": "Open port 5432/tcp: postgresql", "host_ip": "127.0.0.1",
                   "host_fqdn": "localhost.localdomain", "tool_id": "open-port"}}),
    ("nmap/nmap_multiple_port.xml", "nmap", 13, {
        "where": {"port": 21},
        "expect": {"title": "Open port 21/tcp: ftp", "host_ip": "198.38.82.159", "host_fqdn": "joaquinlp.me"}}),
    ("nmap/nmap_script_vulners.xml", "nmap", 3, {  # 1 open + 2 CVEs
        "where": {"tool_id": "open-port"},
        "expect": {"title": "Open port 5022/tcp: ssh (OpenSSH 7.4)", "component": "OpenSSH", "version": "7.4",
                   "port": 5022, "host_ip": "192.168.0.1", "severity": "info"}}),
    # wazuh v4.7 (placeholder CVE ids such as CVE-YYYY-... are dropped from cves by Finding.clean)
    ("wazuh/v4-7_many_findings.json", "wazuh", 13, {
        "where": {"tool_id": "CVE-YYYY-jfjieo"},
        "expect": {"severity": "info", "tool_severity": "Untriaged", "component": "teststestse",
                   "version": "2u1", "cves": []}}),
    ("wazuh/v4-7_no_findings.json", "wazuh", 0, None),
    ("wazuh/v4-7_one_finding.json", "wazuh", 1, {
        "where": {"tool_id": "CVE-1234-123123"},
        "expect": {"severity": "medium", "cvss_v3_score": 5.5, "cvss_v2_score": None, "component": "asdf",
                   "version": "4.3.1", "fixed_version": "4.3.2", "cves": ["CVE-1234-123123"]}}),
    ("wazuh/v4-7_one_finding_with_endpoint.json", "wazuh", 1, {
        "where": {"tool_id": "CVE-1234-1234"},
        "expect": {"severity": "medium", "cvss_v3_score": 6.5, "host_ip": "111.111.111.111",
                   "host_fqdn": "agent-1", "fixed_version": "2"}}),
    ("wazuh/v4-8_many_findings.json", "wazuh", 10, {
        "where": {"unique_id": "002_b5f8c1a3d7e902b4c6d8e0f2a4b6c8d0e2f4a6b8_CVE-2022-44640"},
        "expect": {"severity": "critical", "cvss_v3_score": 9.8, "component": "libheimbase1t64-heimdal",
                   "version": "7.8.git20221117.28daf24+dfsg-5ubuntu3", "host_fqdn": "myhost1",
                   "cves": ["CVE-2022-44640"]}}),
    # severity "-": the CVSS 9.1 decides
    ("wazuh/wazuh_abnormal_severity.json", "wazuh", 1, {
        "where": {"tool_id": "CVE-2025-27558"},
        "expect": {"severity": "critical", "tool_severity": "-", "cvss_v3_score": 9.1,
                   "component": "linux-image-6.8.0-60-generic"}}),
]


def test_every_corpus_file_has_a_case():
    root = corpus_file("nmap").parent
    on_disk = {str(p.relative_to(root)) for folder in ("qualys", "nmap", "wazuh")
               for p in (root / folder).rglob("*") if p.is_file()}
    assert on_disk == {case[0] for case in CASES}


@pytest.mark.parametrize("relative, name, count, probe", CASES, ids=[case[0] for case in CASES])
def test_corpus_file(relative, name, count, probe):
    module, report, findings = parse_all(relative)
    assert module.NAME == name
    assert len(findings) == count
    if probe:
        matches = [f for f in findings if all(getattr(f, k) == v for k, v in probe["where"].items())]
        assert matches, f"no finding with {probe['where']}"
        for field, expected in probe["expect"].items():
            assert getattr(matches[0], field) == expected, field


def test_qualys_asset_report_facts():
    _, report, findings = parse_all("qualys/qualys/Qualys_Sample_Report.xml")
    assert report.scanned_at == datetime(2019, 8, 1, 20, 3, 10, tzinfo=UTC)  # GENERATION_DATETIME
    assert len(report.hosts) == 7  # 7 <HOST> elements
    potential = next(f for f in findings if f.tool_id == "370876")
    assert "Potential vulnerability" in potential.description
    ssh = next(f for f in findings if f.tool_id == "38738" and f.host_ip == "64.41.200.243")
    assert (ssh.severity, ssh.port, ssh.protocol, ssh.evidence) == ("low", 22, "tcp", "Algorithm\tLength\nssh-dss\t1024 bits")
    # information-gathered items (TYPE Ig) are info whatever their level
    assert {f.severity for f in findings if f.tool_id == "45038"} == {"info"}
    _, empty, _ = parse_all("qualys/qualys/empty.xml")
    assert empty.scanned_at == datetime(2021, 3, 25, 7, 13, 51, tzinfo=UTC) and not empty.hosts


def test_qualys_scan_hosts_and_date():
    _, report, findings = parse_all("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_0.xml")
    assert report.hosts == {("10.1.10.1", "host1.example.com"): True}  # scanned, nothing found
    assert report.scanned_at == datetime(2019, 4, 2, 10, 14, 53, tzinfo=UTC)
    _, _, findings = parse_all("qualys/qualys_infrascan_webgui/qualys_infrascan_webgui_multiple.xml")
    info = next(f for f in findings if f.tool_id == "45376")  # <INFO severity="3">
    assert (info.severity, info.tool_severity) == ("info", "3")


def test_qualys_was_report_facts():
    _, report, findings = parse_all("qualys/qualys_webapp/qualys_webapp_one_vuln.xml")
    assert report.scanned_at == datetime(2020, 3, 12, 20, 42, tzinfo=UTC)  # 04:42PM GMT-0400
    assert report.tool_version == "7.6.34-1"
    assert ("", "services.example.com") in report.hosts
    vuln = next(f for f in findings if f.tool_id == "150085")
    assert "Vulnerable to slow HTTP POST attack" in vuln.evidence  # base64 response decoded


def test_qualys_vmdr_hosts_and_date():
    _, report, _ = parse_all("qualys/qualys_vmdr/many_vulns_cve.csv")
    assert ("192.168.1.101", "workstation01") in report.hosts and ("2001:db8::100", "appserver01") in report.hosts
    assert report.scanned_at == datetime(2026, 2, 4, 15, 0, tzinfo=UTC)
    _, bare, _ = parse_all("qualys/qualys_vmdr/no_vuln_no_metadata_cve.csv")
    assert bare.scanned_at is None


def test_nmap_hosts_and_start():
    _, report, findings = parse_all("nmap/nmap_0port.xml")
    assert report.hosts == {("127.0.0.1", "localhost.localdomain"): True}  # up, no open port
    assert report.scanned_at == datetime.fromtimestamp(1396104416, tz=UTC) and report.tool_version == "6.40"
    _, _, findings = parse_all("nmap/issue4406.xml")
    ssh = next(f for f in findings if f.tool_id == "open-port" and f.port == 22)
    assert ssh.evidence.startswith("vulners:") and "EDB-ID:46516" in ssh.evidence
    assert len({f.tool_id for f in findings if f.cves}) == 8


def test_wazuh_hosts():
    _, report, _ = parse_all("wazuh/v4-8_many_findings.json")
    assert set(report.hosts) == {("", "myhost0"), ("", "myhost1")}


@pytest.mark.parametrize("folder", [
    "nessus", "openvas", "zap", "burp", "generic", "trivy", "grype_anchore", "nikto", "acunetix", "sarif",
    "semgrep", "bandit", "nuclei",
])
def test_detects_nothing_outside_its_folders(folder):
    files = sorted(p for p in corpus_file(folder).rglob("*") if p.is_file())
    assert files
    for file in files:
        try:
            sniffed = sniffing.sniff(file)
        except base.ParseError:
            continue
        assert [m.NAME for m in MINE if m.detects(sniffed)] == [], file


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_input_is_refused_with_a_sentence(tmp_path):
    wrong_item = _write(tmp_path, "w.json", '{"data": {"affected_items": ["oops"], "total_affected_items": 1}}')
    with pytest.raises(parsers.ParseError, match="not a JSON object"):
        list(parsers.parse(wrong_item, "wazuh")[2])
    truncated = _write(tmp_path, "n.xml", '<nmaprun start="1"><host><status state="up"/><address addr="1.2.3.4"')
    with pytest.raises(parsers.ParseError, match="malformed or truncated"):
        list(parsers.parse(truncated, "nmap")[2])
    weird = _write(tmp_path, "w2.json", '{"hits": {"hits": [{"_source": {"vulnerability": "x", "agent": [1]}}]}}')
    assert len(list(parsers.parse(weird, "wazuh")[2])) == 1  # wrong types inside a hit are ignored


def test_qualys_severity_scale():
    assert [qualys_xml.qualys_severity(level) for level in "12345"] == ["info", "low", "medium", "high", "critical"]
    assert qualys_xml.qualys_severity("5", "Ig") == "info"
    assert qualys_xml.score_vector("9.0 (AV:N/AC:H)") == (9.0, "AV:N/AC:H")
    assert qualys_xml.score_vector("-") == (None, "")


def test_nmap_host_scripts_and_non_open_ports(tmp_path):
    xml = _write(tmp_path, "h.xml", """<?xml version="1.0"?><nmaprun scanner="nmap" start="1700000000" version="7.94">
<host><status state="up"/><address addr="10.0.0.9" addrtype="ipv4"/><hostnames/>
<ports><port protocol="udp" portid="161"><state state="open|filtered"/><service name="snmp"/></port></ports>
<hostscript><script id="smb-os-discovery" output="OS: Windows"/>
<script id="vulners" output="&#xa;  cpe:/a:x:y:1: &#xa;    CVE-2020-1234  9.8  https://vulners.com/cve/CVE-2020-1234"/></hostscript></host>
<host><status state="down"/><address addr="10.0.0.10" addrtype="ipv4"/></host></nmaprun>""")
    module, report, findings = parsers.parse(xml)
    findings = list(findings)
    assert module.NAME == "nmap" and set(report.hosts) == {("10.0.0.9", "")}  # the down host is not counted
    assert [(f.title, f.severity) for f in findings] == [
        ("Nmap host script smb-os-discovery", "info"), ("CVE-2020-1234", "critical")]
    assert findings[1].cves == ["CVE-2020-1234"] and findings[1].port is None


def test_qualys_glossary_before_hosts(tmp_path):
    xml = _write(tmp_path, "g.xml", """<?xml version="1.0"?><ASSET_DATA_REPORT><HEADER/>
<GLOSSARY><VULN_DETAILS_LIST><VULN_DETAILS id="qid_1"><QID id="qid_1">1</QID><TITLE>Old TLS</TITLE>
<SEVERITY>3</SEVERITY><CVSS_SCORE><CVSS_BASE>5.0</CVSS_BASE></CVSS_SCORE></VULN_DETAILS></VULN_DETAILS_LIST></GLOSSARY>
<HOST_LIST><HOST><IP>10.0.0.1</IP><VULN_INFO_LIST><VULN_INFO><QID id="qid_1">1</QID><TYPE>Vuln</TYPE>
<PORT>443</PORT><PROTOCOL>tcp</PROTOCOL></VULN_INFO></VULN_INFO_LIST></HOST>
<HOST><IP>10.0.0.2</IP></HOST></HOST_LIST></ASSET_DATA_REPORT>""")
    _, report, findings = parsers.parse(xml)
    [finding] = list(findings)
    assert (finding.title, finding.severity, finding.cvss_v2_score, finding.port) == ("Old TLS", "medium", 5.0, 443)
    assert set(report.hosts) == {("10.0.0.1", ""), ("10.0.0.2", "")}
