"""Web scanners (ZAP, Burp, Acunetix XML / 360, Nikto XML / JSON, Nuclei) and the generic
CSV / JSON format, against every corpus file of their folders.

Expected counts were derived from the files themselves, not from the parsers:
- ZAP: ``sum(max(1, len(alertitem.findall("instances/instance"))))`` over the alertitems, with
  xml.etree (commented-out alertitems in the 0_/1_/2_ samples are not elements): one finding per
  instance. MANIFEST.md gives the same alertitem / instance numbers.
- Burp: ``grep -o '<issue>' | wc -l``. Acunetix XML: ``len(root.findall(".//ReportItem"))``.
- Acunetix 360: ``len(json.load(f)["Vulnerabilities"])``.
- Nikto XML: ``len(list(root.iter("item")))`` (lxml, DTD not loaded); Nikto JSON: the sum of
  ``len(host["vulnerabilities"])`` over the host objects.
- Nuclei: ``len(json.load(f))`` for arrays (1 for a lone object); JSON Lines: non-blank lines.
- Generic JSON: ``sum(max(1, len(f.get("endpoints") or [])))`` over ``findings`` (one finding
  per endpoint); generic CSV: ``len(list(csv.DictReader(f)))``.
The probed field values were read from the same raw records (the last record of each file
unless the probe names another).
"""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attt.scans import parsers
from attt.scans.parsers import sniffing

from .corpus import corpus_file, parse_all, refused

MINE = ("zap", "burp", "acunetix_xml", "acunetix360", "nikto_xml", "nikto_json", "nuclei",
        "generic_json", "generic_csv")
MY_FOLDERS = ("zap", "burp", "acunetix", "nikto", "nuclei", "generic")

ZAP5 = {"title": "zap5: Timestamp Disclosure - Unix", "url": "https://mainsite.com/dashboard"}
ZAP5_LOW = {"severity": "low", "tool_id": "10096", "cwes": [200], "host_fqdn": "mainsite.com", "port": 443}
COOKIE_POISONING = ({"title": "Cookie Poisoning", "url": "http://172.17.0.2/security.php"},
                    {"severity": "info", "tool_id": "10029", "cwes": [20], "host_ip": "172.17.0.2", "port": 80})
A360_COOKIE = {"title": "Cookie Not Marked as HttpOnly", "severity": "medium", "tool_id": "CookieNotMarkedAsHttpOnly",
               "unique_id": "735f4503-e9eb-4b4c-4306-ad49020a4c4b", "host_fqdn": "php.testsparker.com", "port": 80,
               "url": "http://php.testsparker.com/auth/login.php"}
A360_CVSS = {"cvss_v3_vector": "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:N/A:N/E:H/RL:O/RC:C", "cvss_v3_score": 5.7}
VIJAY = ({"title": "VijayReportItem1"},
         {"severity": "medium", "tool_id": "VijayTestModule", "cwes": [352], "host_fqdn": "vijaytest.com", "port": 443,
          "url": "https://vijaytest.com/some/path"})
CSRF = {"severity": "medium", "tool_id": "/Crawler/12-Crawler_Form_NO_CSRF.js", "cwes": [352],
        "cvss_v3_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N", "cvss_v3_score": 4.3,
        "cvss_v2_vector": "AV:N/AC:H/Au:N/C:N/I:P/A:N", "cvss_v2_score": 2.6, "host_fqdn": "example.co.id"}
SLOW_LORIS = {"severity": "medium", "tool_id": "slow-loris", "cvss_v2_vector": "AV:N/AC:L/Au:N/C:N/I:N/A:P",
              "cvss_v2_score": 5.0, "cvss_v3_score": 5.3, "host_fqdn": "www.itsecgames.com"}
GENERIC_TEST1 = {"severity": "medium", "tool_id": "TEST1", "unique_id": "3287f2d0-554f-491b-8516-3c349ead8ee5",
                 "cves": ["CVE-2020-36234"], "cwes": [261],
                 "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N"}
SERVER_LEAKS = "Server leaks inodes via ETags, header found with file /, fields: 0xW/109b 0xpqG8TolgxCnpM/7cGOOI0GRS+rc"

# (corpus file, module, number of findings, fields picking one finding, fields it must have)
CASES = [
    # --- ZAP ---------------------------------------------------------------------------------
    ("zap/0_zap_sample.xml", "zap", 12, ZAP5, ZAP5_LOW),
    ("zap/0_zap_sample_without_zap3.xml", "zap", 11, ZAP5, ZAP5_LOW),
    ("zap/1_zap_sample_0_and_new_absent.xml", "zap", 12, ZAP5, ZAP5_LOW),
    ("zap/2_zap_sample_0_and_new_endpoint.xml", "zap", 13, ZAP5, ZAP5_LOW),
    ("zap/3_zap_sampl_0_and_different_severities.xml", "zap", 12, ZAP5, {**ZAP5_LOW, "severity": "medium"}),
    ("zap/5_zap_sample_one.xml", "zap", 6, {"title": "zap2: Cookie Without Secure Flag", "url": "https://mainsite.com"},
     {"severity": "low", "tool_id": "10011", "cwes": [614], "host_fqdn": "mainsite.com", "port": 443}),
    ("zap/dvwa_baseline_dojo.xml", "zap", 124, {"title": "Private IP Disclosure", "url": "http://172.17.0.2/phpinfo.php"},
     {"severity": "low", "tool_id": "2", "cwes": [200], "host_ip": "172.17.0.2", "port": 80, "protocol": "tcp"}),
    ("zap/dvwa_baseline_dojo_fabricated_internal_duplicates.xml", "zap", 123, *COOKIE_POISONING),
    ("zap/dvwa_baseline_dojo_fabricated_internal_duplicates_subset.xml", "zap", 75,
     {"title": 'Server Leaks Version Information via "Server" HTTP Response Header Field',
      "url": "http://172.17.0.2/vulnerabilities/exec/"}, {"severity": "low", "tool_id": "10036", "cwes": [200]}),
    ("zap/dvwa_baseline_dojo_subset.xml", "zap", 97, *COOKIE_POISONING),
    ("zap/empty_2.9.0.xml", "zap", 0, None, None),
    ("zap/juicy2.xml", "zap", 86,
     {"title": "CSP: Wildcard Directive", "url": "https://juice-shop.herokuapp.com/assets/public"},
     {"severity": "medium", "tool_id": "10055", "cwes": [693], "host_fqdn": "juice-shop.herokuapp.com"}),
    ("zap/some_2.9.0.xml", "zap", 17,
     {"title": "Incomplete or No Cache-control and Pragma HTTP Header Set", "url": "https://mainsite.com"},
     {"severity": "low", "tool_id": "10015", "cwes": [525]}),
    ("zap/zap-results-first-scan.xml", "zap", 130,
     {"title": "PII Disclosure", "url": "http://bodgeit.securecodebox-demo.svc:8080/bodgeit/contact.jsp"},
     {"severity": "high", "tool_id": "10062", "cwes": [359], "host_fqdn": "bodgeit.securecodebox-demo.svc",
      "port": 8080}),
    ("zap/zap-results-second-scan.xml", "zap", 126,
     {"title": "NoSQL Injection - MongoDB", "url": "http://bodgeit.securecodebox-demo.svc:8080/bodgeit/basket.jsp"},
     {"severity": "high", "tool_id": "40033", "cwes": [943]}),
    ("zap/zap-xml-plus-format.xml", "zap", 1, {"title": "Insecure HTTP Method - PUT"},
     {"severity": "medium", "tool_id": "90028", "cwes": [200], "host_fqdn": "localhost", "port": 8080,
      "url": "http://localhost:8080/bodgeit/js/qndto7n63d"}),
    ("zap/zap_2.16.1_with_req_resp.xml", "zap", 13, {"title": "Re-examine Cache-control Directives"},
     {"severity": "info", "tool_id": "10015", "cwes": [525], "host_fqdn": "example-domain.com"}),
    # --- Burp --------------------------------------------------------------------------------
    ("burp/issue4399.xml", "burp", 441,
     {"title": "Detailed Error Messages Revealed", "url": "http://testphp.vulnweb.com/userinfo.php"},
     {"severity": "low", "tool_id": "134217728", "host_ip": "18.192.172.30", "host_fqdn": "testphp.vulnweb.com",
      "port": 80}),
    ("burp/one_finding.xml", "burp", 3, {"title": "SQL injection", "url": "http://bwa/bodgeit/login.jsp"},
     {"severity": "high", "tool_id": "1049088", "host_ip": "192.168.187.137", "host_fqdn": "bwa", "port": 80}),
    ("burp/one_finding_with_blank_response.xml", "burp", 1, {"url": "http://bwa/bodgeit/basket.jsp"},
     {"title": "SQL injection", "severity": "high", "tool_id": "1049088"}),
    ("burp/one_finding_with_cwe.xml", "burp", 1, {"title": "Cacheable HTTPS response"},
     {"severity": "info", "tool_severity": "Information", "tool_id": "7340288", "cwes": [524, 525],
      "host_ip": "54.12.18.21", "host_fqdn": "example.com", "port": 443,
      "url": "https://example.com/test/v4/public/users/fake"}),
    ("burp/seven_findings.xml", "burp", 16,
     {"title": "Frameable response (potential Clickjacking)", "url": "http://bwa/bodgeit/product.jsp"},
     {"severity": "info", "tool_id": "5245344"}),
    # --- Acunetix XML ------------------------------------------------------------------------
    ("acunetix/XML_http_example_co_id_.xml", "acunetix_xml", 19, {"url": "http://example.co.id/h/search"},
     {**CSRF, "title": "HTML form without CSRF protection", "port": 80}),
    ("acunetix/XML_http_example_co_id_port_num.xml", "acunetix_xml", 19, {"url": "http://example.co.id:9000/h/search"},
     {**CSRF, "title": "HTML form without CSRF protection", "port": 9000}),
    ("acunetix/many_findings.xml", "acunetix_xml", 4, {"title": "Slow HTTP Denial of Service Attack"},
     {**SLOW_LORIS, "url": "http://www.itsecgames.com/", "port": 80}),
    ("acunetix/many_findings_with_port_number.xml", "acunetix_xml", 4, {"title": "Slow HTTP Denial of Service Attack"},
     {**SLOW_LORIS, "url": "http://www.itsecgames.com:8080/", "port": 8080}),
    ("acunetix/one_finding.xml", "acunetix_xml", 1, *VIJAY),
    ("acunetix/one_finding_with_port_num.xml", "acunetix_xml", 1, *VIJAY),  # byte-identical to one_finding.xml
    ("acunetix/watson_test_unique.xml", "acunetix_xml", 1, {"title": "WatsonUniqueReportItem2025"},
     {"severity": "high", "tool_id": "WatsonUniqueTestModule", "cwes": [79],
      "url": "https://watson-unique-test.com/watson/unique/path"}),
    # --- Acunetix 360 ------------------------------------------------------------------------
    ("acunetix/acunetix360_many_findings.json", "acunetix360", 16,
     {"unique_id": "4576a39d-e4a5-481f-3fcf-ad490209f34b"},
     {"title": "Referrer-Policy Not Implemented", "severity": "medium", "tool_id": "ReferrerPolicyNotImplemented",
      "cvss_v3_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N/E:U/RL:O/RC:C", "cvss_v3_score": 6.5,
      "cwes": [200], "url": "http://php.testsparker.com/"}),
    ("acunetix/acunetix360_many_findings_large_constructed.json", "acunetix360", 1350,
     {"unique_id": "3df56a46-c64e-52ed-9008-9dd3a94de51a"},
     {"title": "Insecure Direct Object Reference in Header", "severity": "critical", "cvss_v3_score": 10.0,
      "cwes": [693], "host_fqdn": "docs.testsparker.com", "port": 443}),
    ("acunetix/acunetix360_multiple_cwe.json", "acunetix360", 1, {}, {**A360_COOKIE, **A360_CVSS, "cwes": [16, 200]}),
    ("acunetix/acunetix360_one_finding.json", "acunetix360", 1, {}, {**A360_COOKIE, **A360_CVSS, "cwes": [16]}),
    ("acunetix/acunetix360_one_finding_accepted_risk.json", "acunetix360", 1, {}, {**A360_COOKIE, "cwes": [16]}),
    ("acunetix/acunetix360_one_finding_false_positive.json", "acunetix360", 1, {}, {**A360_COOKIE, "cwes": [16]}),
    ("acunetix/acunetix360_zero_finding.json", "acunetix360", 0, None, None),
    ("acunetix/issue_10370.json", "acunetix360", 1, {}, {**A360_COOKIE, "cwes": [], "cvss_v3_score": None}),
    ("acunetix/issue_10435.json", "acunetix360", 1, {},
     {"title": "MissingXFrameOptionsHeader", "severity": "low", "unique_id": "7ce8d15a-e5f0-4dd5-1f83-aea8034f4105",
      "host_fqdn": "xxxx", "url": "http://XXXX"}),
    ("acunetix/issue_11206.json", "acunetix360", 1, {}, {**A360_COOKIE, "cwes": []}),
    # --- Nikto -------------------------------------------------------------------------------
    ("nikto/nikto-output.xml", "nikto_xml", 13, {"tool_id": "006525"},
     {"title": "/manager/html: Default Tomcat Manager interface found", "severity": "info",
      "url": "http://localhost:8070/manager/html", "host_ip": "127.0.0.1", "host_fqdn": "localhost", "port": 8070}),
    ("nikto/nikto-report-many-vuln.xml", "nikto_xml", 10, {"tool_id": "001885"},
     {"title": "Finding 4.4", "severity": "low", "tool_severity": "OSVDB-3092", "references": ["OSVDB-3092"],
      "url": "https://192.168.0.49:443/system/", "host_ip": "192.168.0.49", "port": 443}),
    ("nikto/nikto-report-old-format.xml", "nikto_xml", 1, {"tool_id": "999970"},
     {"title": "CDATA[Finding 1.1", "severity": "info", "host_ip": "192.168.0.24", "port": 443}),
    ("nikto/nikto-report-one-vuln.xml", "nikto_xml", 1, {"tool_id": "999970"},
     {"title": "CDATA[Finding 1.1", "severity": "info", "host_ip": "192.168.0.24", "port": 443}),
    ("nikto/nikto-report-zero-vuln.xml", "nikto_xml", 0, None, None),
    ("nikto/tdh.xml", "nikto_xml", 6, {"tool_id": "999966"},
     {"severity": "info", "url": "https://www.tdh.com:443/", "host_ip": "64.220.43.153", "host_fqdn": "www.tdh.com",
      "port": 443}),
    ("nikto/issue_9274.json", "nikto_json", 8,
     {"title": "Uncommon header 'x-google-gfe-backend-request-cost' found, with contents: 51.177506531784765."},
     {"severity": "info", "tool_id": "999100", "host_ip": "203.0.113.37", "host_fqdn": "example.com", "port": 443,
      "url": "https://example.com/"}),
    ("nikto/juice-shop.json", "nikto_json", 151, {"tool_id": "001811"},
     {"title": "This might be interesting.", "severity": "low", "references": ["OSVDB-3092"],
      "host_fqdn": "juice-shop.herokuapp.com", "host_ip": "52.51.36.193"}),
    ("nikto/tdh.json", "nikto_json", 8, {"tool_id": "700007"},
     {"severity": "info", "url": "https://www.tdh.com/status", "host_fqdn": "www.tdh.com", "port": 443}),
    # --- Nuclei ------------------------------------------------------------------------------
    ("nuclei/invalid_cwe.json", "nuclei", 1, {},
     {"title": "MySQL DB with enabled native password", "severity": "info",
      "tool_id": "mysql-native-password-bruteforce", "cwes": [], "host_ip": "178.21.15.56",
      "host_fqdn": "nuclei-example.com", "port": 3306, "url": ""}),
    ("nuclei/issue_14071.json", "nuclei", 27, {"tool_id": "git-config"},
     {"severity": "medium", "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "cvss_v3_score": 5.3,
      "cwes": [200], "url": "http://dvwa_dvwa_1/.git/config", "host_ip": "172.18.0.3", "port": 80}),
    ("nuclei/issue_9201.json", "nuclei", 1, {},
     {"title": "favicon-detection: asp.net-favicon", "tool_id": "favicon-detect:asp.net-favicon",
      "host_ip": "10.10.10.10", "url": "https://example.com/favicon.ico%c0"}),
    ("nuclei/many_findings.json", "nuclei", 18, {"tool_id": "openssh5.3-detect"},
     {"title": "OpenSSH 5.3 Detection", "severity": "low", "port": 22, "host_ip": "178.21.15.56",
      "references": ["http://seclists.org/fulldisclosure/2016/Jul/51",
                     "https://security-tracker.debian.org/tracker/CVE-2016-6210",
                     "http://openwall.com/lists/oss-security/2016/08/01/2"]}),
    ("nuclei/many_findings_new.json", "nuclei", 2, {"tool_id": "CVE-2018-15473"},
     {"severity": "medium", "cves": ["CVE-2018-15473"], "cwes": [362], "cvss_v3_score": 5.3,
      "cvss_v3_vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "port": 22, "host_ip": "127.0.0.1"}),
    ("nuclei/many_findings_third.json", "nuclei", 2, {"url": "https://example.com/favicon.ico"},
     {"tool_id": "favicon-detect:asp.net-favicon", "severity": "info"}),
    ("nuclei/multi_cwe_fabricated.json", "nuclei", 1, {},
     {"severity": "high", "cves": ["CVE-2021-0001"], "cwes": [79, 89], "url": "https://example.com/login"}),
    ("nuclei/multiple_matches.json", "nuclei", 2, {"tool_id": "tech-detect:recaptcha"},
     {"title": "Wappalyzer Technology Detection: recaptcha", "host_ip": "3.160.231.125"}),
    ("nuclei/multiple_v3.json", "nuclei", 6, {"tool_id": "tls-version"},
     {"title": "TLS Version - Detect", "host_ip": "8.8.8.8", "host_fqdn": "www.asdf.de", "port": 443, "url": ""}),
    # --- Generic JSON ------------------------------------------------------------------------
    ("generic/generic_custom_test.json", "generic_json", 1, {"title": "test title"}, GENERIC_TEST1),
    ("generic/generic_custom_test_with_meta.json", "generic_json", 1, {"title": "test title"}, {"severity": "medium"}),
    ("generic/generic_cve_and_vulnerability_ids.json", "generic_json", 1, {},
     {"severity": "high", "cves": ["CVE-2020-36234"], "references": ["GHSA-5mrr-rgp6-x4gr", "OSV-2021-1234"]}),
    ("generic/generic_invalid.json", "generic_json", 1, {}, {"title": "title", "severity": "low"}),
    ("generic/generic_no_type.json", "generic_json", 1, {}, {"title": "Test Finding Without Type"}),
    ("generic/generic_non_numeric_fields.json", "generic_json", 3,
     {"title": "numeric fields reported as placeholders"},
     {"cwes": [], "line": None, "cvss_v3_score": None, "cvss_v4_score": None, "epss_score": None}),
    ("generic/generic_one_finding_with_component_name.json", "generic_json", 1, {},
     {"title": "High", "severity": "high", "component": "Component A"}),
    ("generic/generic_report1.json", "generic_json", 2, {"title": "test title"}, GENERIC_TEST1),
    ("generic/generic_report1_more_tags.json", "generic_json", 2, {"title": "test title"}, GENERIC_TEST1),
    ("generic/generic_report2.json", "generic_json", 2, {"title": "test title4"},
     {"severity": "critical", "cves": ["CVE-2020-36235"], "cwes": [287], "file_path": "src/two.cpp", "line": 135,
      "solution": "Some mitigation"}),
    ("generic/generic_report3.json", "generic_json", 5,
     {"url": "https://urlfiltering.paloaltonetworks.com:2345/test-pest"},
     {"title": "test title with endpoints as strings", "host_fqdn": "urlfiltering.paloaltonetworks.com",
      "port": 2345}),
    ("generic/generic_report4.json", "generic_json", 4, {"url": "127.0.0.1:80"},
     {"host_ip": "127.0.0.1", "port": 80, "cves": ["CVE-2015-9235"], "references": ["GHSA-5mrr-rgp6-x4gr"]}),
    ("generic/generic_report_fix_version.json", "generic_json", 2, {"title": "test title with fix_version"},
     {"severity": "high", "component": "spring-core", "version": "6.1.0", "fixed_version": "2.1.3",
      "cves": ["CVE-2025-12345"], "cwes": [502]}),
    ("generic/generic_report_kev_cvssv4.json", "generic_json", 2, {"title": "test title"},
     {**GENERIC_TEST1, "kev": True, "cvss_v4_vector": "CVSS:4.0/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N",
      "cvss_v4_score": 7.3}),
    ("generic/generic_report_multi_cwe_fabricated.json", "generic_json", 3, {"title": "Multiple CWEs finding"},
     {"severity": "high", "cwes": [22, 79, 89]}),
    ("generic/generic_test_type_1.json", "generic_json", 1, {}, {"title": "Test Finding 1", "severity": "high"}),
    ("generic/generic_test_type_2.json", "generic_json", 1, {}, {"title": "Test Finding 2", "severity": "medium"}),
    ("generic/generic_test_type_equals_scan_type.json", "generic_json", 1, {}, {"severity": "high"}),
    ("generic/generic_test_type_suffix.json", "generic_json", 1, {}, {"title": "Test Finding Prisma"}),
    ("generic/generic_two_findings_same_component_name.json", "generic_json", 2, {"title": "Critical"},
     {"severity": "critical", "component": "Component A"}),
    ("generic/test_import_report1.json", "generic_json", 4, {"title": "Henry Smith"}, {"severity": "critical"}),
    ("generic/test_import_report2.json", "generic_json", 4, {"title": "Henry Smith"}, {"severity": "critical"}),
    ("generic/test_with_image.json", "generic_json", 1, {}, {"title": "Vuln with image", "severity": "medium"}),
    ("generic/test_with_image_no_ext.json", "generic_json", 1, {}, {"title": "Vuln with image and no extension"}),
    # --- Generic CSV -------------------------------------------------------------------------
    ("generic/generic_csv_defect_dojo.csv", "generic_csv", 4, {"title": SERVER_LEAKS},
     {"severity": "low", "cwes": [], "host_ip": "192.168.1.1", "port": 443, "url": "https://192.168.1.1/"}),
    ("generic/generic_csv_with_epss.csv", "generic_csv", 1, {},
     {"title": SERVER_LEAKS, "epss_score": 0.00042, "epss_percentile": 0.23474, "url": "https://192.168.1.1/"}),
    ("generic/generic_report1.csv", "generic_csv", 5, {"url": "https://vulnerable.endpoint.com/resource2/qwerty"},
     {"title": "ASDF", "severity": "low", "cwes": [2], "solution": "Some mitigation advice",
      "host_fqdn": "vulnerable.endpoint.com"}),
    ("generic/generic_report3.csv", "generic_csv", 2, {"title": "Mitigated_Finding"}, {"cwes": [5], "severity": "low"}),
    ("generic/generic_report4.csv", "generic_csv", 4, {"title": "Title1"},
     {"severity": "info", "cves": ["CVE-2015-9235"], "host_fqdn": "www.example.com"}),
    ("generic/generic_report_fix_version.csv", "generic_csv", 2, {"title": "Test finding with fix_version"},
     {"severity": "high", "cwes": [502], "fixed_version": "2.1.3"}),
    ("generic/generic_report_kev_cvssv4.csv", "generic_csv", 1, {},
     {"title": "Test finding", "kev": True, "cvss_v4_score": 7.3, "epss_score": 0.00042,
      "cvss_v4_vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
      "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:C/C:L/I:L/A:N"}),  # the file's stray quote is dropped
]


def _matches(finding, pick: dict) -> bool:
    return all(value is None or getattr(finding, name) == value for name, value in pick.items())


@pytest.mark.parametrize("relative, module_name, count, pick, expected", CASES, ids=[c[0] for c in CASES])
def test_corpus_file(relative, module_name, count, pick, expected):
    module, report, findings = parse_all(relative)
    assert module.NAME == module_name
    assert len(findings) == count
    if pick is None:
        return
    chosen = next((f for f in findings if _matches(f, pick)), None)
    assert chosen is not None, f"no finding with {pick}"
    for name, value in expected.items():
        assert getattr(chosen, name) == value, name


def test_every_corpus_file_of_my_folders_is_covered():
    covered = {case[0] for case in CASES} | set(REFUSED)
    on_disk = {str(p.relative_to(corpus_file("zap").parent)) for folder in MY_FOLDERS
               for p in corpus_file(folder).rglob("*") if p.is_file()}
    assert on_disk == covered


REFUSED = {
    "nuclei/empty.jsonl": "The file is empty.",  # 0 bytes
    "nuclei/no_findings.json": "The file is empty.",  # 0 bytes
    "generic/generic_empty.json": "Finding 1 has no title.",  # {"findings": [{}]}
}


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_invalid_files_are_refused(relative):
    assert refused(relative) == REFUSED[relative]


def test_detects_nothing_outside_my_folders():
    mine = [m for m in parsers.formats() if m.NAME in MINE]
    assert len(mine) == len(MINE)
    root = corpus_file("zap").parent
    for path in sorted(p for p in root.rglob("*.*") if p.suffix != ".md" and p.stat().st_size):
        if path.relative_to(root).parts[0] in MY_FOLDERS:
            continue
        seen = sniffing.sniff(path)
        claims = [m.NAME for m in mine if m.detects(seen)]
        if path.relative_to(root).as_posix() == "semgrep/semgrep_pro/no_vuln.json":
            # {"findings": []} is both an empty Semgrep Pro and an empty generic report.
            assert claims in ([], ["generic_json"])
            continue
        assert claims == [], path


def test_report_facts():
    _, report, _ = parse_all("zap/empty_2.9.0.xml")
    assert report.hosts == {("", "isaac.nl"): True}
    assert report.tool_version == "2.9.0"
    assert report.scanned_at == datetime(2020, 5, 12, 20, 59, 12, tzinfo=timezone.utc)
    _, report, _ = parse_all("acunetix/acunetix360_zero_finding.json")
    assert report.hosts == {("", "php.testsparker.com"): True}
    assert report.scanned_at == datetime(2021, 6, 25, 1, 42, tzinfo=timezone.utc)
    _, report, _ = parse_all("acunetix/XML_http_example_co_id_port_num.xml")
    assert report.scanned_at == datetime(2020, 4, 28, 5, 36, 46, tzinfo=timezone.utc)
    _, report, _ = parse_all("nikto/nikto-report-many-vuln.xml")
    assert {ip for ip, _ in report.hosts} >= {"192.168.0.24", "192.168.0.49"}
    assert report.tool_version == "2.1.6"
    _, report, _ = parse_all("burp/one_finding_with_cwe.xml")
    assert report.tool_version == "2020.12.1" and report.hosts == {("54.12.18.21", "example.com"): True}
    _, report, _ = parse_all("generic/generic_custom_test_with_meta.json")
    assert report.tool_version == "1.0.0"


def test_acunetix360_state_is_kept_not_dropped():
    for name, state in (("accepted_risk", "Present, AcceptedRisk"), ("false_positive", "Present, FalsePositive")):
        _, _, findings = parse_all(f"acunetix/acunetix360_one_finding_{name}.json")
        assert findings[0].evidence.startswith(f"State: {state}\n")


def test_zap_html_is_stripped_and_evidence_kept():
    _, _, findings = parse_all("zap/some_2.9.0.xml")
    cookie = next(f for f in findings if f.tool_id == "10011")
    assert cookie.description.startswith("A cookie has been set without the secure flag")
    assert "<p>" not in cookie.description + cookie.solution
    assert cookie.references == ["http://www.owasp.org/index.php/Testing_for_cookies_attributes_(OWASP-SM-002)"]
    assert "Param: opvc" in cookie.evidence and "Confidence: Medium" in cookie.evidence


def test_burp_request_is_decoded_from_base64():
    _, _, findings = parse_all("burp/one_finding_with_cwe.xml")
    assert "GET /test/v4/public/users/fake HTTP/1.1" in findings[0].evidence
    assert "Applications should return caching directives" in findings[0].solution


def test_generic_several_endpoints_get_their_own_unique_id(tmp_path):
    path = _write(tmp_path, "r.json", {"findings": [
        {"title": "t", "severity": "Low", "unique_id_from_tool": "u1",
         "endpoints": ["https://a.example/x", {"protocol": "http", "host": "10.0.0.1", "port": 8080, "path": "y"}]}]})
    _, _, findings = _parse(path)
    assert [f.unique_id for f in findings] == ["u1@https://a.example/x", "u1@http://10.0.0.1:8080/y"]
    assert (findings[1].host_ip, findings[1].port, findings[1].url) == ("10.0.0.1", 8080, "http://10.0.0.1:8080/y")


@pytest.mark.parametrize("content, message", [
    ({"findings": [{"title": "a", "severity": "High"}, {"title": "b", "severity": "Urgent"}]},
     "Finding 2 (“b”) has the severity “Urgent”; use Critical, High, Medium, Low or Info."),
    ({"findings": [{"title": ["x"], "severity": "High"}]}, "Finding 1 has no title."),
    ({"findings": [{"severity": "High", "name": "x"}]}, "Finding 1 has no title."),
    ({"findings": ["text"]}, "Finding 1 is not a JSON object."),
    ({"findings": {"title": "x"}}, "The \"findings\" key must hold a list of findings."),
])
def test_generic_json_refusals(tmp_path, content, message):
    with pytest.raises(parsers.ParseError) as caught:
        _parse(_write(tmp_path, "r.json", content))
    assert str(caught.value) == message


def test_generic_csv_unknown_severity_names_the_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Title,Severity,Url\nfirst,High,https://a.example/\nsecond,Severe,\n", encoding="utf-8")
    module, report, findings = parsers.parse(path)
    assert module.NAME == "generic_csv"
    with pytest.raises(parsers.ParseError, match="Row 2 .*“Severe”"):
        list(findings)


def test_generic_csv_does_not_claim_other_tools_csv(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('"IP","QID","Title","Severity"\n"10.0.0.1","38170","SSL issue","3"\n', encoding="utf-8")
    assert not parsers.by_name("generic_csv").detects(sniffing.sniff(path))


def test_the_documented_examples_import(tmp_path):
    """docs/scan-formats.md shows users one example of each format: they must stay valid."""
    docs = Path(__file__).resolve().parents[4] / "docs" / "scan-formats.md"
    text = docs.read_text(encoding="utf-8")
    examples = {kind: text.split(f"```{kind}\n", 1)[1].split("```", 1)[0] for kind in ("json", "csv")}
    (tmp_path / "example.json").write_text(examples["json"], encoding="utf-8")
    (tmp_path / "example.csv").write_text(examples["csv"], encoding="utf-8")
    module, report, findings = _parse(tmp_path / "example.json")
    assert module.NAME == "generic_json" and report.tool_version == "2025-Q1"
    assert [(f.severity, f.host_fqdn or f.host_ip, f.port) for f in findings] == [
        ("high", "shop.example.vn", 443), ("medium", "10.20.0.15", 443)]
    assert findings[0].cwes == [89] and findings[0].cvss_v3_score == 7.5 and "Payload: 1' OR" in findings[0].evidence
    assert (findings[1].cves, findings[1].fixed_version, findings[1].kev) == (["CVE-2023-0286"], "1.1.1t", False)
    module, _, findings = _parse(tmp_path / "example.csv")
    assert module.NAME == "generic_csv"
    assert [(f.severity, f.cwes, f.port) for f in findings] == [("low", [548], 443), ("critical", [502], 8443)]
    assert findings[1].cves == ["CVE-2021-44228"] and findings[1].cvss_v3_score == 10.0


# --- robustness: any JSON shape gives findings or a ParseError, nothing else ---------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
TEMPLATES = {
    "generic": lambda v: {"findings": [{"title": "t", "severity": "low", "endpoints": v, "cwe": v, "cvssv3_score": v},
                                       v]},
    "nuclei": lambda v: [{"template-id": "x", "info": {"severity": "low", "name": v, "classification": v},
                          "matched-at": v, "ip": v, "extracted-results": v}],
    "nikto": lambda v: {"host": v, "ip": "1.2.3.4", "port": v, "vulnerabilities": [{"msg": v, "url": v}, v]},
    "acunetix360": lambda v: {"Generated": "x", "Target": {"ScanId": "1", "Url": v, "Initiated": v},
                              "Vulnerabilities": [{"Name": v, "Classification": v, "Url": v, "ExtraInformation": v}, v]},
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON_VALUES, shape=st.sampled_from(sorted(TEMPLATES)))
def test_json_parsers_fail_only_with_parse_error(tmp_path, value, shape):
    path = _write(tmp_path, f"{shape}.json", TEMPLATES[shape](value))
    try:
        _parse(path)
    except parsers.ParseError:
        pass


def _write(directory: Path, name: str, content) -> Path:
    path = directory / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _parse(path: Path):
    module, report, findings = parsers.parse(path)
    return module, report, list(findings)
