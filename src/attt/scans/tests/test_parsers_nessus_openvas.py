"""Nessus / Tenable (XML, CSV, WAS) and OpenVAS / Greenbone (XML, CSV) parsers against the corpus.

Expected counts were derived from the files themselves, independently of the parsers:
* Nessus XML: ``grep -o '<ReportItem ' FILE | wc -l``; severities with
  ``grep -o '<ReportItem[^>]*severity="[0-4]"' FILE | grep -o 'severity="[0-4]"' | sort | uniq -c``.
* OpenVAS XML: ``grep -o '<result id=' FILE | wc -l`` (no file nests detection results).
* CSV: Python's csv module, rows with at least one non-empty cell after the header
  (``;`` delimiter for nessus_new.csv); exports pad with all-empty rows, which are not records.
The field values asserted below were read from the files by eye (less, grep).
"""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from attt.scans.parsers import (
    ParseError,
    base,
    nessus_csv,
    nessus_xml,
    openvas_csv,
    openvas_xml,
    sniffing,
)
from attt.scans.tests.corpus import corpus_file, parse_all

MINE = (nessus_xml, nessus_csv, openvas_xml, openvas_csv)
UTC = timezone.utc

# (file, module, number of findings, which finding (fields that pick it), fields it must have)
CASES = [
    # --- Nessus v2 XML -------------------------------------------------------------------------
    # 7 ReportItems, all severity="0"
    ("nessus/nessus/nessus_many_vuln.xml", "nessus_xml", 7, {"tool_id": "19506"},
     {"title": "Nessus Scan Information", "severity": "info", "tool_severity": "0", "host_ip": "12.233.108.201",
      "host_fqdn": "preprod.boardvantage.net", "port": None, "protocol": "tcp"}),
    # 296 ReportItems over 7 ReportHosts (266 sev 0, 7 sev 1, 23 sev 2)
    ("nessus/nessus/nessus_v_unknown.xml", "nessus_xml", 296, {"tool_id": "18405", "host_fqdn": "qa3app09"},
     {"title": "Microsoft Windows Remote Desktop Protocol Server Man-in-the-Middle Weakness",
      "severity": "medium", "tool_severity": "2", "host_ip": "10.31.112.29", "port": 3389, "protocol": "tcp",
      "cves": ["CVE-2005-1794"], "cvss_v2_score": 5.1, "cvss_v2_vector": "AV:N/AC:H/Au:N/C:P/I:P/A:P"}),
    # 1 ReportItem (severity 2) after a 1.3 MB Policy block
    ("nessus/nessus/issue_6992.nessus", "nessus_xml", 1, {"tool_id": "142591"},
     {"title": "PHP < 7.3.24 Multiple Vulnerabilities", "severity": "medium", "host_ip": "44.228.249.3",
      "host_fqdn": "testphp.vulnweb.com", "port": 80, "cvss_v2_score": 5.0, "cvss_v3_score": 7.5,
      "cvss_v3_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
      "references": ["https://www.php.net/ChangeLog-7.php#7.3.24", "IAVA:2020-A-0510-S"]}),
    # 49 ReportItems (23 sev 0, 1 sev 1, 13 sev 2, 10 sev 3, 2 sev 4); 57537 has exploited_by_malware true
    ("nessus/nessus/nessus_with_cvssv3.nessus", "nessus_xml", 49, {"tool_id": "57537"},
     {"title": "PHP < 5.3.9 Multiple Vulnerabilities", "severity": "high", "tool_severity": "3", "port": 80,
      "cvss_v2_score": 7.5, "cvss_v2_vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "kev": True,
      "cves": ["CVE-2011-3379", "CVE-2011-4566", "CVE-2011-4885", "CVE-2012-0057", "CVE-2012-0781",
               "CVE-2012-0788", "CVE-2012-0789"]}),
    # 1 ReportItem (severity 3) with <cwe>CWE-94</cwe>, CWE-119, CWE-399 and 15 <cve>
    ("nessus/nessus/nessus_with_cwe-.nessus", "nessus_xml", 1, {"tool_id": "31649"},
     {"title": "PHP 5.x < 5.2 Multiple Vulnerabilities", "severity": "high", "cwes": [94, 119, 399],
      "cvss_v2_score": 7.5, "host_fqdn": "testphp.vulnweb.com", "port": 80}),
    # Nessus WAS XML: 5 ReportItems (1 sev 0, 3 sev 1, 1 sev 3); the page URL is in plugin_output
    ("nessus/nessus_was/nessus_was_many_vuln.xml", "nessus_xml", 5, {"tool_id": "98104"},
     {"title": "Cross-Site Scripting (XSS)", "severity": "high", "host_ip": "", "host_fqdn": "google.com",
      "port": 80, "url": "http://google.com/search.jsp", "cvss_v2_score": 7.5, "cvss_v3_score": 7.1,
      "cwes": [79]}),
    ("nessus/nessus_was/nessus_was_no_vuln.xml", "nessus_xml", 0, None, None),  # 0 ReportItems
    ("nessus/nessus_was/nessus_was_one_vuln.xml", "nessus_xml", 1, {"tool_id": "98104"},  # 1 ReportItem
     {"severity": "high", "url": "http://google.com/search.jsp", "host_fqdn": "google.com"}),
    # --- Nessus / Tenable CSV ------------------------------------------------------------------
    # Tenable.sc dialect, 3 rows
    ("nessus/issue_11102.csv", "nessus_csv", 3, {"tool_id": "42873", "port": 8443},
     {"title": "SSL Medium Strength Cipher Suites Supported (SWEET32)", "severity": "high",
      "tool_severity": "High", "protocol": "tcp", "cves": ["CVE-2016-2183"], "cvss_v2_score": 5.0,
      "cvss_v3_score": 7.5, "cvss_v3_vector": "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}),
    ("nessus/issue_9612.csv", "nessus_csv", 3, {"tool_id": "73756", "port": 1433, "host_ip": "2.3.4.5"},
     {"severity": "critical", "cvss_v2_score": 10.0, "cvss_v3_vector": "AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
      "references": ["http://www.nessus.org/u?d4418a57", "IAVA #0001-A-0560"]}),
    # Tenable.sc with "Plugin Text", 4 rows (529 all-empty padding rows)
    ("nessus/nessus/nessus_many_vuln.csv", "nessus_csv", 4, {"tool_id": "35291"},
     {"title": "SSL Certificate Signed Using Weak Hashing Algorithm", "severity": "medium",
      "host_ip": "10.1.1.1", "port": 443, "cves": ["CVE-2004-2761"], "cwes": [310], "cvss_v3_score": 7.5}),
    # Nessus Pro with v4/EPSS columns, 5 rows; XREF "CISA-KNOWN-EXPLOITED:2024/07/03" on plugin 200162
    ("nessus/nessus/nessus-template.csv", "nessus_csv", 5, {"tool_id": "200162"},
     {"title": "PHP 8.2.x < 8.2.20 Multiple Vulnerabilities", "severity": "critical", "kev": True,
      "host_ip": "192.168.0.101", "port": 8080, "cves": ["CVE-2024-4577"]}),
    # Nessus Pro, 30 rows each (29 Risk None, 1 Medium)
    ("nessus/nessus/nessus_many_vuln2-all.csv", "nessus_csv", 30, {"tool_id": "10287"},
     {"title": "Traceroute Information", "severity": "info", "tool_severity": "None", "protocol": "udp",
      "port": None, "host_ip": "52.208.101.182"}),
    ("nessus/nessus/nessus_many_vuln2-default.csv", "nessus_csv", 30, {"tool_id": "10107", "port": 443},
     {"title": "HTTP Server Type and Version", "severity": "info", "evidence": "The remote web server type is :\n\nCowboy"}),
    # Tenable.io export, ';'-delimited, 99 rows; row 65 has definition.exploited_by_malware TRUE
    ("nessus/nessus/nessus_new.csv", "nessus_csv", 99, {"unique_id": "0626c354-7fd4-414b-a3e3-7c4617b342ec"},
     {"tool_id": "85127", "severity": "low", "host_ip": "10.0.0.65", "host_fqdn": "blah65", "kev": True,
      "cvss_v2_score": 10.0, "cvss_v3_vector": "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N"}),
    # Tenable.io "vulnerability" CSV, 20 rows (Severity 3 ×12, 2 ×8)
    ("nessus/tenable_many_vuln.csv", "nessus_csv", 20, {"tool_id": "176700"},
     {"title": "Amazon Linux 2 : kernel (ALAS-2023-2050)", "severity": "high", "tool_severity": "3",
      "host_ip": "127.0.0.1", "host_fqdn": "ip-127-0-0-1.us-west-2.compute.internal", "port": None,
      "cves": ["CVE-2023-32233"], "cvss_v2_score": 6.8, "cvss_v3_score": 7.8}),
    # Nessus WAS CSV: 5 rows (24 empty padding rows), 0, and 1
    ("nessus/nessus_was/nessus_was_many_vuln.csv", "nessus_csv", 5, {"tool_id": "98104"},
     {"severity": "high", "host_fqdn": "google.com", "url": "http://google.com/search.jsp",
      "cvss_v2_score": 7.5, "cvss_v3_score": 7.1}),
    ("nessus/nessus_was/nessus_was_no_vuln.csv", "nessus_csv", 0, None, None),
    ("nessus/nessus_was/nessus_was_one_vuln.csv", "nessus_csv", 1, {"tool_id": "98104"},
     {"title": "Cross-Site Scripting (XSS)", "severity": "high", "host_fqdn": "google.com"}),
    # --- OpenVAS XML ---------------------------------------------------------------------------
    # 44 results: scores 10.0×5, 9.0×2, 9.3 → 8 critical; 7.5×8, 8.1×2, 7.4 → 11 high; 25 medium
    ("openvas/many_vuln.xml", "openvas_xml", 44, {"tool_id": "1.3.6.1.4.1.25623.1.0.100111"},
     {"title": "The rexec service is running", "severity": "critical", "tool_severity": "High (10.0)",
      "host_ip": "192.168.1.1001", "host_fqdn": "b6b9f466d63", "port": 512, "protocol": "tcp",
      "cves": ["CVE-1999-0618"], "cvss_v2_score": 10.0}),
    ("openvas/no_vuln.xml", "openvas_xml", 0, None, None),
    ("openvas/one_vuln.xml", "openvas_xml", 1, {"tool_id": "1.3.6.1.4.1.25623.1.0.832260"},
     {"severity": "critical", "host_ip": "10.0.101.2", "port": None, "protocol": "tcp",
      "references": ["https://www.mozilla.org/en-US/security/advisories/mfsa2023-34/"]}),
    ("openvas/report_detail_v2.xml", "openvas_xml", 1, {"tool_id": "1.3.6.1.4.1.25623.1.0.836484"},
     {"title": "Microsoft Windows Multiple Vulnerabilities (KB5062557)", "severity": "critical",
      "host_ip": "10.99.99.99", "host_fqdn": "server99", "port": 42, "cvss_v3_score": 9.8,
      "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "epss_score": 0.09023,
      "epss_percentile": 0.92284}),
    # --- OpenVAS CSV ---------------------------------------------------------------------------
    ("openvas/many_vuln.csv", "openvas_csv", 4, {"tool_id": "1.3.6.1.4.1.25623.1.0.117274"},
     {"severity": "medium", "tool_severity": "Medium (4.3)", "host_ip": "192.168.118.212", "host_fqdn": "logsrv",
      "port": 9200, "protocol": "tcp", "cves": ["CVE-2011-3389", "CVE-2015-0204"]}),
    ("openvas/no_vuln.csv", "openvas_csv", 0, None, None),
    ("openvas/one_vuln.csv", "openvas_csv", 1, {"tool_id": "1.3.6.1.4.1.25623.1.0.105611"},
     {"title": "SSH Weak Encryption Algorithms Supported", "severity": "medium", "host_ip": "10.0.0.8",
      "port": 22, "protocol": "tcp"}),
    ("openvas/report_combine_v2.csv", "openvas_csv", 2, {"tool_id": "1.3.6.1.4.1.25623.1.0.80091"},
     {"title": "TCP Timestamps Information Disclosure", "severity": "low", "host_ip": "45.33.32.156", "port": None}),
    ("openvas/report_detail_v2.csv", "openvas_csv", 1, {"tool_id": "1.3.6.1.4.1.25623.1.0.836484"},
     {"severity": "critical", "host_fqdn": "server99", "port": 42, "epss_score": 0.00143,
      "epss_percentile": 0.35177}),
    # Greenbone's CVE scanner: the NVT OID is the CVE itself
    ("openvas/report_using_CVE.csv", "openvas_csv", 43, {"tool_id": "CVE-2021-26690"},
     {"title": "CVE-2021-26690", "severity": "high", "cves": ["CVE-2021-26690"], "host_ip": "45.33.32.156"}),
    # 13 rows: 12 Log (CVSS 0.0) and one Low
    ("openvas/report_using_openVAS.csv", "openvas_csv", 13, {"tool_id": "1.3.6.1.4.1.25623.1.0.10330", "port": 443},
     {"title": "Services", "severity": "info", "tool_severity": "Log (0.0)", "protocol": "tcp"}),
]


def _pick(findings, criteria):
    matches = [f for f in findings if all(getattr(f, key) == value for key, value in criteria.items())]
    assert matches, f"no finding with {criteria}"
    return matches[0]


@pytest.mark.parametrize("relative, module, count, criteria, expected", CASES, ids=[c[0] for c in CASES])
def test_corpus_file(relative, module, count, criteria, expected):
    parser, _report, findings = parse_all(relative)
    assert parser.NAME == module
    assert len(findings) == count
    if criteria:
        finding = _pick(findings, criteria)
        for key, value in expected.items():
            assert getattr(finding, key) == value, key


def test_every_corpus_file_of_these_folders_has_a_case():
    covered = {case[0] for case in CASES}
    on_disk = {str(p.relative_to(corpus_file("nessus").parent)) for folder in ("nessus", "openvas")
               for p in corpus_file(folder).rglob("*") if p.is_file()}
    assert on_disk == covered


@pytest.mark.parametrize("relative, expected", [
    ("nessus/nessus/nessus_v_unknown.xml", {"info": 266, "low": 7, "medium": 23}),
    ("nessus/nessus/nessus_with_cvssv3.nessus", {"info": 23, "low": 1, "medium": 13, "high": 10, "critical": 2}),
    ("nessus/tenable_many_vuln.csv", {"high": 12, "medium": 8}),
    ("openvas/many_vuln.xml", {"critical": 8, "high": 11, "medium": 25}),
    ("openvas/report_using_openVAS.csv", {"info": 12, "low": 1}),
])
def test_severity_distribution(relative, expected):
    _parser, _report, findings = parse_all(relative)
    counts = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    assert counts == expected


def test_nessus_report_facts():
    _parser, report, _findings = parse_all("nessus/nessus/nessus_v_unknown.xml")
    assert report.tool_version == "5.2.1"  # plugin 19506 output "Nessus version : 5.2.1"
    assert report.scanned_at == datetime(2013, 7, 1, 11, 33, 11, tzinfo=UTC)  # HOST_START, no zone → UTC
    assert len(report.hosts) == 7 and ("10.31.112.21", "qa3app01") in report.hosts
    _parser, report, _findings = parse_all("nessus/nessus/nessus_with_cvssv3.nessus")
    assert report.scanned_at == datetime.fromtimestamp(1648042311, tz=UTC)  # HOST_START_TIMESTAMP
    assert report.tool_version == "10.1.1"


def test_clean_host_still_listed():
    _parser, report, findings = parse_all("nessus/nessus_was/nessus_was_no_vuln.xml")
    assert findings == [] and list(report.hosts) == [("", "google.com")]
    assert report.scanned_at == datetime(2021, 3, 12, 12, 34, 30, 120310, tzinfo=UTC)


def test_openvas_report_facts():
    _parser, report, _findings = parse_all("openvas/report_detail_v2.xml")
    assert report.tool_version == "GMP 22.6"
    assert report.scanned_at == datetime.fromisoformat("2025-08-22T15:01:38+02:00")
    assert list(report.hosts) == [("10.99.99.99", "server99")]
    _parser, report, _findings = parse_all("openvas/many_vuln.xml")
    # The trailing <host> summary has no hostname: it reuses the one from the results.
    assert list(report.hosts) == [("192.168.1.1001", "b6b9f466d63")]


@pytest.mark.parametrize("relative", [
    "nmap/nmap_1port.xml", "qualys/qualys/Qualys_Sample_Report.csv", "qualys/qualys/monthly_pci_issue6932.csv",
    "qualys/qualys_webapp/qualys_webapp_one_vuln.xml", "generic/generic_report1.csv", "zap/5_zap_sample_one.xml",
    "burp/one_finding.xml", "nikto/nikto-report-one-vuln.xml", "acunetix/one_finding.xml", "trivy/issue_9092.json",
])
def test_other_scanners_are_not_claimed(relative):
    seen = sniffing.sniff(corpus_file(relative))
    assert not any(module.detects(seen) for module in MINE)


def test_replicated_hosts_stream(tmp_path):
    """The benchmark shape: ReportHosts of nessus_v_unknown.xml repeated; nothing lost to clear()."""
    text = corpus_file("nessus/nessus/nessus_v_unknown.xml").read_text()
    start, end = text.index("<ReportHost"), text.rindex("</ReportHost>") + len("</ReportHost>")
    big = tmp_path / "big.nessus"
    big.write_text(text[:start] + text[start:end] * 20 + text[end:])
    report = base.ReportInfo()
    findings = list(nessus_xml.parse(big, report, sniffing.sniff(big)))
    assert len(findings) == 296 * 20
    assert findings[-1].host_fqdn == "qa3app01"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_nessus_policy_only_is_refused(tmp_path):
    path = _write(tmp_path, "policy.nessus", "<NessusClientData_v2><Policy><policyName>x</policyName></Policy>"
                                             "</NessusClientData_v2>")
    with pytest.raises(ParseError, match="no <Report> element"):
        list(nessus_xml.parse(path, base.ReportInfo(), sniffing.sniff(path)))


def test_truncated_nessus_is_refused(tmp_path):
    text = corpus_file("nessus/nessus_was/nessus_was_one_vuln.xml").read_text()
    path = _write(tmp_path, "cut.nessus", text[: len(text) // 2])
    with pytest.raises(ParseError, match="malformed or truncated"):
        list(nessus_xml.parse(path, base.ReportInfo(), sniffing.sniff(path)))


def test_openvas_without_results_is_refused(tmp_path):
    path = _write(tmp_path, "r.xml", "<report id='x'><report id='x'><scan_run_status>Done</scan_run_status>"
                                     "</report></report>")
    seen = sniffing.sniff(path)
    assert openvas_xml.detects(seen)
    with pytest.raises(ParseError, match="no <results> element"):
        list(openvas_xml.parse(path, base.ReportInfo(), seen))


def test_plain_report_root_is_not_openvas(tmp_path):
    path = _write(tmp_path, "other.xml", "<report><item name='a'/><item name='b'/></report>")
    assert not openvas_xml.detects(sniffing.sniff(path))


def test_odd_values_do_not_crash(tmp_path):
    """Unexpected values become empty fields, never exceptions other than ParseError."""
    path = _write(tmp_path, "odd.nessus", (
        "<NessusClientData_v2><Report name='r'><ReportHost name='http://[bad'><HostProperties>"
        "<tag name='HOST_START'>not a date</tag><tag name='HOST_START_TIMESTAMP'>99999999999999999999</tag>"
        "</HostProperties><ReportItem port='x' severity='9' pluginID='1'><cwe>\u00b2</cwe>"
        "<cvss_base_score>high</cvss_base_score><epss_score>NaN</epss_score></ReportItem></ReportHost>"
        "</Report></NessusClientData_v2>"))
    report = base.ReportInfo()
    [finding] = [f.clean() for f in nessus_xml.parse(path, report, sniffing.sniff(path))]
    assert (finding.severity, finding.port, finding.cwes, finding.cvss_v2_score) == ("info", None, [], None)
    assert report.scanned_at is None
