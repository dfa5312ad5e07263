"""Trivy, Grype, Anchore (Engine, anchorectl), SARIF, Semgrep (CLI, Supply Chain, Pro) and Bandit
parsers against every corpus file of their folders.

Where the expected counts come from (independently of the parsers): the raw record counts of
corpus/MANIFEST.md (computed there with json.load), re-checked with one-off snippets:

- trivy/: ``sum(len(r.get(k) or []) for r in <Results of every shape> for k in
  ("Vulnerabilities", "Misconfigurations", "Secrets", "Licenses"))``; no Misconfiguration in the
  corpus has Status PASS (the only records the parser skips).
- grype_anchore/anchore_grype: ``len(json.load(f)["matches"])``; anchore_engine:
  ``len(d.get("vulnerabilities") or d.get("securityEvaluation"))``; anchorectl: ``len(json.load(f))``.
- sarif/: ``sum(len(run["results"]) for run in d["runs"])`` minus results with ``kind`` "pass"
  (flawfinder.sarif: 54 results, one ``{"ruleId": "FF1013", "kind": "pass"}``; no other file has
  a pass/notApplicable kind or an "absent" baselineState — ``grep -c '"pass"'``).
- semgrep/: ``len(d["results"])`` (CLI), ``len(d["vulns"])`` (Supply Chain), ``len(d["findings"])`` (Pro).
- bandit/: ``len(json.load(f)["results"])``.
"""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attt.scans.parsers import (
    anchore_engine,
    anchorectl,
    bandit,
    base,
    grype,
    sarif,
    semgrep,
    semgrep_pro,
    sniffing,
    trivy,
)

from .corpus import corpus_file, parse_all

MINE = (trivy, grype, anchore_engine, anchorectl, sarif, semgrep, semgrep_pro, bandit)


def pick(findings, **match):
    """The first finding whose fields equal ``match`` (fails clearly if there is none)."""
    for finding in findings:
        if all(getattr(finding, key) == value for key, value in match.items()):
            return finding
    raise AssertionError(f"no finding with {match}")


def case(path, module, count, match=None, **expected):
    return pytest.param(path, module, count, match or {}, expected, id=path)


CASES = [
    # --- Trivy: legacy list, null, schema 2, Kubernetes (Resources and the older lists) ---
    case("trivy/all_statuses.json", "trivy", 8, {"tool_id": "CVE-2011-3374"}, severity="low", component="apt",
         version="1.8.2.3", cves=["CVE-2011-3374"], cwes=[347], cvss_v2_score=4.3, cvss_v3_score=3.7,
         cvss_v3_vector="CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N"),
    # SeveritySource "ubuntu" has no CVSS entry: NVD's vector is taken, not Red Hat's 5.3.
    case("trivy/cvss_severity_source.json", "trivy", 2, {"tool_id": "CVE-2023-46218"}, severity="medium",
         component="curl", fixed_version="7.81.0-1ubuntu1.15", cvss_v3_score=6.5,
         cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"),
    # SeveritySource "ghsa": its v4 vector; GHSA has no v3, so NVD's (none) then Red Hat's.
    case("trivy/cvssv4_severity_source.json", "trivy", 3, {"tool_id": "CVE-2025-66614"}, severity="medium",
         component="org.apache.tomcat:tomcat-catalina", version="9.0.109", file_path="catalina.jar",
         cvss_v4_score=6.3, cvss_v4_vector="CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
         cvss_v3_score=5.3),
    case("trivy/issue_10991.json", "trivy", 37, {"tool_id": "KSV116"}, severity="low",
         title="Runs with a root primary or supplementary GID", component="default/Service/kubernetes"),
    case("trivy/issue_14136.json", "trivy", 1, {"tool_id": "AVD-AWS-0143"}, severity="low",
         file_path="../../aws-credentials/main.tf", line=20, component="module.aws_credentials",
         solution="Grant policies at the group level instead."),
    case("trivy/issue_9092.json", "trivy", 1, {"tool_id": "CVE-2023-37920"}, severity="high",
         component="certifi", version="2022.5.18.1", fixed_version="2023.7.22", cvss_v3_score=7.5),
    case("trivy/issue_9170.json", "trivy", 37, {"tool_id": "KSV116"}, severity="low"),
    case("trivy/issue_9263.json", "trivy", 1, {"tool_id": "CVE-2013-7445"}, severity="high",
         component="linux-libc-dev", cvss_v2_score=7.8, cwes=[399]),
    case("trivy/issue_9333.json", "trivy", 13, {"tool_id": "CVE-2011-3374"}, severity="low", component="apt"),
    case("trivy/kubernetes.json", "trivy", 20, {"tool_id": "KSV001", "component": "default/Deployment/redis-leader"},
         severity="medium", title="Process can elevate its own privileges", file_path="Deployment/redis-leader",
         line=132),
    case("trivy/kubernetes_fabricated_internal_duplicates.json", "trivy", 13, {"tool_id": "CVE-2020-27350"},
         severity="medium", component="apt (default/Deployment/redis-follower)", version="1.8.2.1",
         fixed_version="1.8.2.2", cvss_v3_score=5.7),
    case("trivy/kubernetes_fabricated_internal_duplicates_subset.json", "trivy", 5, {"tool_id": "CVE-2020-27350"},
         component="apt (default/Deployment/redis-follower)"),
    case("trivy/kubernetes_fabricated_subset.json", "trivy", 13, {"tool_id": "CVE-2020-27350"},
         component="apt (default/Deployment/redis-follower)", cwes=[190]),
    case("trivy/legacy_many_vulns.json", "trivy", 93, {"tool_id": "CVE-2011-3374"}, severity="low",
         title="CVE-2011-3374 in apt 1.8.2.2", component="apt", version="1.8.2.2"),
    case("trivy/legacy_no_vuln.json", "trivy", 0),  # the literal `null`: legacy Trivy, nothing found
    # The first record has only a PkgName: still a finding, severity unknown → info.
    case("trivy/legacy_trivy_mix.json", "trivy", 7, {"component": "simplito/elliptic-php"}, severity="info",
         title="Vulnerability in simplito/elliptic-php"),
    case("trivy/license_scheme.json", "trivy", 19, {"component": "alpine-baselayout"}, severity="high",
         tool_id="GPL-2.0", title="License GPL-2.0 (restricted) in alpine-baselayout"),
    case("trivy/misconfigurations_and_secrets.json", "trivy", 5, {"tool_id": "github-pat", "line": 24},
         severity="critical", title="GitHub Personal Access Token", file_path="Dockerfile"),
    case("trivy/scheme_2_many_vulns.json", "trivy", 5, {"tool_id": "CVE-2020-15999"}, severity="medium",
         component="freetype", version="2.9.1-r2", fixed_version="2.9.1-r3", cwes=[787]),
    case("trivy/scheme_2_no_vuln.json", "trivy", 0),
    case("trivy/severity_prio.json", "trivy", 2, {"tool_id": "CVE-2023-46218"}, severity="low",
         tool_severity="LOW"),
    # --- Grype ---
    case("grype_anchore/anchore_grype/anchore_grype_epss_problem.json", "grype", 1,
         {"tool_id": "GHSA-4374-p667-p6c8"}, severity="high", cves=["CVE-2023-39325"], component="golang.org/x/net",
         version="v0.9.0", fixed_version="0.17.0", epss_score=0.00163, epss_percentile=0.37957, cvss_v3_score=7.5),
    case("grype_anchore/anchore_grype/check_all_fields.json", "grype", 6, {"tool_id": "CVE-2004-0971"},
         severity="info", tool_severity="Negligible", component="libgssapi-krb5-2", cvss_v2_score=2.1,
         file_path="/var/lib/dpkg/status"),
    case("grype_anchore/anchore_grype/check_all_fields_different_ids_fabricated.json", "grype", 1,
         {"tool_id": "GHSA-v6rh-hp5x-86rv"}, cves=["CVE-2021-1234", "CVE-2021-5678"], cvss_v3_score=9.8),
    case("grype_anchore/anchore_grype/check_all_fields_no_ids_fabricated.json", "grype", 1,
         {"tool_id": "GHSA-v6rh-hp5x-86rv"}, cves=[], component="Django", version="3.2.9", fixed_version="3.2.10"),
    case("grype_anchore/anchore_grype/check_all_fields_with_ids_fabricated.json", "grype", 1,
         {"tool_id": "GHSA-v6rh-hp5x-86rv"}, cves=["CVE-2021-44420"], cvss_v2_score=7.5, cvss_v3_score=7.3),
    case("grype_anchore/anchore_grype/fix_available.json", "grype", 1, {"tool_id": "CVE-2009-3882"},
         severity="high", component="java", fixed_version="1.2.3", file_path="/opt/java/openjdk/bin/java"),
    case("grype_anchore/anchore_grype/fix_not_available.json", "grype", 1, {"tool_id": "CVE-2009-3882"},
         fixed_version="", cvss_v2_score=7.5),
    case("grype_anchore/anchore_grype/issue_9618.json", "grype", 35, {"tool_id": "CVE-2023-38473"},
         severity="medium", component="avahi-libs", version="0.7-20.el8", fixed_version="0:0.7-21.el8_9.1"),
    case("grype_anchore/anchore_grype/issue_9942.json", "grype", 1, {"tool_id": "CVE-2009-3882"},
         version="17.0.10+7-J-ms8m"),  # the report's \u0000 is dropped
    # The old schema (Grype 0.7): vulnerability.cvssV2, matchDetails as an object.
    case("grype_anchore/anchore_grype/many_vulns.json", "grype", 1509, {"tool_id": "CVE-2011-3389"},
         severity="medium", component="libgnutls-openssl27", version="3.6.7-4+deb10u5", cvss_v2_score=4.3,
         cvss_v2_vector="AV:N/AC:M/Au:N/C:P/I:N/A:N"),
    case("grype_anchore/anchore_grype/many_vulns2.json", "grype", 1567, {"tool_id": "CVE-2019-9192"},
         severity="info", component="libc6-dev"),
    case("grype_anchore/anchore_grype/many_vulns3.json", "grype", 327, {"tool_id": "CVE-2019-18276"},
         component="bash", version="5.0-4", cvss_v2_score=7.2),
    case("grype_anchore/anchore_grype/many_vulns4.json", "grype", 9, {"tool_id": "CVE-1999-1338"},
         component="delegate", file_path="components/yarn.lock"),
    case("grype_anchore/anchore_grype/many_vulns_with_epss_values.json", "grype", 15, {"tool_id": "CVE-2022-28391"},
         severity="high", epss_score=0.0719, epss_percentile=0.91123, cvss_v3_score=8.8, cvss_v2_score=6.8),
    case("grype_anchore/anchore_grype/no_vuln.json", "grype", 0),
    case("grype_anchore/anchore_grype/same_cve_different_paths.json", "grype", 2,
         {"file_path": "/usr/lib/x86_64-linux-gnu/libc.so.6"}, tool_id="CVE-2021-33574", severity="critical"),
    # --- Anchore Engine ---
    case("grype_anchore/anchore_engine/many_vulns.json", "anchore_engine", 23, {"tool_id": "CVE-2011-3374"},
         severity="info", component="apt", version="1.4.9"),
    case("grype_anchore/anchore_engine/many_vulns_2.4.1.json", "anchore_engine", 51, {"tool_id": "CVE-2020-8927"},
         severity="medium", component="brotli", cvss_v2_score=6.4, cvss_v3_score=6.5,
         cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L"),
    case("grype_anchore/anchore_engine/new_format_issue_11552.json", "anchore_engine", 84,
         {"tool_id": "CVE-2024-50379", "component": "tomcat-annotations-api"}, severity="critical", version="9.0.97",
         cvss_v3_score=9.8, fixed_version="10.1.34,11.0.2,9.0.98",
         file_path="/aci/base/lib/tomcat-annotations-api-9.0.97.jar"),
    case("grype_anchore/anchore_engine/no_vuln.json", "anchore_engine", 0),
    case("grype_anchore/anchore_engine/one_vuln.json", "anchore_engine", 1, {"tool_id": "CVE-2011-3389"},
         severity="medium", component="libgnutls30", version="3.5.8-5+deb9u4", fixed_version=""),
    case("grype_anchore/anchore_engine/one_vuln_many_files.json", "anchore_engine", 4, {"tool_id": "CVE-2005-3906"},
         severity="high", component="jdk", cvss_v2_score=7.5, cvss_v3_score=None,  # -1.0 means "no score"
         file_path="/usr/share/contoso-petstore/contoso-petstore.war:WEB-INF/deployed-addons/jdk-tool.hpi"),
    # --- anchorectl ---
    case("grype_anchore/anchorectl_vulns/many_vulns.json", "anchorectl", 23, {"tool_id": "VULNDB-103881"},
         severity="medium", component="jersey", version="1.13", fixed_version="1.18", cvss_v2_score=5.0),
    case("grype_anchore/anchorectl_vulns/no_vuln.json", "anchorectl", 0),  # `[]`
    case("grype_anchore/anchorectl_vulns/one_vuln.json", "anchorectl", 1, {"tool_id": "CVE-2011-3389"},
         description="That test description", component="libgnutls30"),
    # --- SARIF ---
    case("sarif/DefectDojo_django-DefectDojo__2020-12-11_13 42 10__export.sarif", "sarif", 510,  # 2 runs: 58 + 452
         {"tool_id": "com.lgtm/javascript-queries:js/unused-local-variable", "line": 220}, severity="low",
         file_path="dojo/static/dojo/js/index.js",
         unique_id="primaryLocationLineHash=5a98dafd76d3d9c1:1;primaryLocationStartColumnFingerprint=4"),
    case("sarif/SuppressionTestCurrent.sarif", "sarif", 4, {"title": "New suppressed result."}, tool_id="TST0001",
         severity="medium", file_path="C:/code/file1.c"),
    case("sarif/appendix_k.sarif", "sarif", 1, {"tool_id": "C2001"}, severity="high", file_path="collections/list.h",
         line=15, solution="Initialize the variable to null"),
    case("sarif/appendix_k1.sarif", "sarif", 0),
    case("sarif/appendix_k1_double.sarif", "sarif", 0),
    # message {id, arguments} resolved through the rule's messageStrings.
    case("sarif/appendix_k2.sarif", "sarif", 1, {"tool_id": "C2001"},
         description="Variable \"count\" was used without being initialized.\n\nA variable was used without being "
                     "initialized. This can result in runtime errors such as null reference exceptions.",
         file_path="src/collections/list.cpp", line=15),
    case("sarif/appendix_k3.sarif", "sarif", 1, {"tool_id": "B6412"}, severity="medium", file_path=""),
    case("sarif/appendix_k4.sarif", "sarif", 1, {"tool_id": "C2001"}, severity="high"),
    case("sarif/bash-report-fabricated-no-internal-dupes-subset.sarif", "sarif", 4, {"tool_id": "2076"},
         severity="low", line=134, unique_id="scanFileHash=f196dfe70ba8d8dace;scanPrimaryLocationHash=47f57f9669991906"),
    case("sarif/bash-report-fabricated-no-internal-dupes.sarif", "sarif", 5, {"tool_id": "2076"},
         file_path="/home/damien/dd/docker/setEnv.sh"),
    case("sarif/bash-report-subset-same-hash-code-same-unique-id.sarif", "sarif", 4, {"tool_id": "2072"},
         title="Decimals are not supported", line=143),
    case("sarif/bash-report.sarif", "sarif", 27, {"tool_id": "2076"}, severity="low", tool_severity="note",
         references=["https://github.com/koalaman/shellcheck/wiki/SC2076"]),
    case("sarif/blackduck_nested_fingerprints.sarif", "sarif", 5, {"tool_id": "BDSA-2020-1001 (CVE-2020-11022)"},
         cves=["CVE-2020-11022"], cwes=[79], component="example-frontend-lib", version="1.0.0",
         unique_id="csvRowSha256=" + "a" * 64),
    case("sarif/codeQL-output.sarif", "sarif", 72, {"tool_id": "py/empty-except", "line": 39}, title="Empty except",
         severity="low", cwes=[390], file_path="good/db_init.py"),
    case("sarif/cxf-3.4.6.sarif", "sarif", 22, {"tool_id": "CVE-2008-0732-geronimo-j2ee-management_1.1_spec"},
         severity="low", tool_severity="security-severity 2.1", cves=["CVE-2008-0732"]),
    case("sarif/dependency_check.sarif", "sarif", 13,
         {"tool_id": "Disallow calling helperMissing and blockHelperMissing directly"}, severity="high",
         file_path="/src/.venv/lib/python3.9/site-packages/tastypie_swagger/static/tastypie_swagger/js/lib/"
                   "handlebars-1.0.0.js"),
    case("sarif/dockle_0_3_15.sarif", "sarif", 4, {"tool_id": "CIS-DI-0010"}, severity="high",
         title="Do not store credential in ENVIRONMENT vars/files"),
    # kind "fail" without a level: the rule's default level "error" applies.
    case("sarif/flawfinder.sarif", "sarif", 53, {"tool_id": "FF1048", "line": 29}, severity="high", cwes=[327],
         file_path="src/tree/param.cc"),
    case("sarif/gitleaks_7.5.0.sarif", "sarif", 8, {"line": 13}, title="AWS Access Key secret detected",
         severity="medium"),
    case("sarif/issue_10191.json", "sarif", 77, {"line": 75, "file_path": "Gruntfile.js"}, severity="medium",
         tool_severity="security-severity MEDIUM", cwes=[22]),
    case("sarif/mobsfscan.json", "sarif", 9, {"tool_id": "android_logging", "line": 57}, severity="low", cwes=[532]),
    case("sarif/njsscan.sarif", "sarif", 2, {"tool_id": "node_insecure_random_generator"}, file_path="/src/index.js",
         line=321, cwes=[327]),
    case("sarif/no_runs.sarif", "sarif", 0),
    case("sarif/semgrepowasp-benchmark-sample.sarif", "sarif", 1768,
         {"file_path": "src/main/java/org/owasp/benchmark/testcode/BenchmarkTest02660.java", "line": 59},
         tool_id="java.lang.security.audit.cbc-padding-oracle.cbc-padding-oracle", severity="medium"),
    case("sarif/spotbugs.sarif", "sarif", 56, {"tool_id": "DMI_HARDCODED_ABSOLUTE_FILENAME", "line": 23},
         description="Hard coded reference to an absolute pathname in Boot.main(String[]).", severity="low"),
    case("sarif/suppression_test.sarif", "sarif", 5, {"title": "Suppressed"}, tool_id="TST0001"),
    case("sarif/taint-python-report.sarif", "sarif", 11, {"tool_id": "taint-xmli", "line": 35}, severity="high",
         file_path="/home/damien/dd/dojo/tools/veracode/parser.py"),
    # --- Semgrep CLI and Supply Chain ---
    case("semgrep/semgrep/close_old_findings_report_line31.json", "semgrep", 1, {"line": 31}, severity="high",
         title="Dangerous subprocess use tainted env args", cwes=[78], file_path="sample/brute.py"),
    case("semgrep/semgrep/close_old_findings_report_second_run_line24.json", "semgrep", 1, {"line": 24},
         severity="high"),
    case("semgrep/semgrep/close_old_findings_report_third_run_different_unique_id.json", "semgrep", 1, {"line": 24}),
    case("semgrep/semgrep/cwe_list.json", "semgrep", 1, {"file_path": "index.js"}, severity="low",
         tool_severity="INFO", cwes=[352], line=12, unique_id="143cb0c62f3740d62180cbde3ffa976e"),
    case("semgrep/semgrep/empty.json", "semgrep", 0),
    # fingerprint "requires login" is no id.
    case("semgrep/semgrep/fingerprint_test.json", "semgrep", 2, {"line": 31}, unique_id=""),
    case("semgrep/semgrep/high-medium-low-severities.json", "semgrep", 3, {"line": 48}, severity="low",
         tool_id="rules.sast.dev.generic.internal.detect-cdn-usage-react-express"),
    case("semgrep/semgrep/issue_8435.json", "semgrep", 1, {"line": 1}, severity="high", cwes=[798],
         tool_id="generic.secrets.security.detected-twitter-oauth.detected-twitter-oauth"),
    case("semgrep/semgrep/many_findings.json", "semgrep", 3, {"line": 64}, severity="medium", cwes=[696]),
    case("semgrep/semgrep/many_vulns.json", "semgrep", 48, {"line": 186, "file_path": "tasks.py"},
         tool_id="python.lang.correctness.tempfile.flush.tempfile-without-flush", severity="high"),
    case("semgrep/semgrep/multiple_cwes_fabricated.json", "semgrep", 1, {"line": 64}, cwes=[327, 696]),
    case("semgrep/semgrep/one_finding.json", "semgrep", 1, {"line": 64},
         file_path="src/main/java/org/owasp/benchmark/testcode/BenchmarkTest02194.java"),
    case("semgrep/semgrep/repeated_findings.json", "semgrep", 2, {"line": 66}, title="Cbc padding oracle"),
    case("semgrep/semgrep/sca-deployments-vulns.json", "semgrep", 22, {"version": "1.47.0"}, severity="high",
         title="Reachable Assertion in grpc", cves=["CVE-2023-1428"], cwes=[617], component="grpcio",
         fixed_version="1.53.0", file_path="requirements3.txt", line=222),
    case("semgrep/semgrep/semgrep_version_1_30_0_line_26.json", "semgrep", 5, {"line": 27}, severity="medium",
         cwes=[79], file_path="test.go"),
    case("semgrep/semgrep/semgrep_version_1_30_0_line_27.json", "semgrep", 5, {"line": 27}, severity="medium"),
    # --- Semgrep Pro ---
    case("semgrep/semgrep_pro/multiple_cwes_fabricated.json", "semgrep_pro", 1, {"line": 120}, cwes=[311, 319]),
    case("semgrep/semgrep_pro/one_vuln.json", "semgrep_pro", 1, {"line": 120}, severity="medium",
         title="React no refs", tool_id="typescript.react.security.audit.react-no-refs.react-no-refs",
         file_path="frontend/src/corpComponents/Code.tsx", component="semgrep", cwes=[319]),
    # --- Bandit ---
    case("bandit/dd.json", "bandit", 47, {"tool_id": "B303", "line": 39}, severity="medium",
         file_path="dojo/tools/acunetix/parser.py"),
    case("bandit/dd2.json", "bandit", 165, {"tool_id": "B110", "line": 27}, severity="low",
         title="Try, Except, Pass detected."),
    case("bandit/many_vulns.json", "bandit", 214, {"tool_id": "B110", "line": 26}, file_path="dojo/benchmark\\views.py"),
    case("bandit/no_vuln.json", "bandit", 0),
    case("bandit/one_vuln.json", "bandit", 1, {"tool_id": "B101"}, severity="low", tool_severity="LOW",
         file_path="one/one.py", line=2,
         references=["https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html"]),
]


@pytest.mark.parametrize(("path", "module", "count", "match", "expected"), CASES)
def test_corpus_file(path, module, count, match, expected):
    parser, _report, findings = parse_all(path)
    assert parser.NAME == module
    assert len(findings) == count
    if match:
        finding = pick(findings, **match)
        for key, value in expected.items():
            assert getattr(finding, key) == value, key


def test_semgrep_pro_leaves_an_empty_findings_list_to_the_generic_format():
    # {"findings": []} shows no Semgrep-specific key; parsed as Semgrep Pro on request it is empty.
    sniffed = sniffing.sniff(corpus_file("semgrep/semgrep_pro/no_vuln.json"))
    assert not semgrep_pro.detects(sniffed)
    assert parse_all("semgrep/semgrep_pro/no_vuln.json", "semgrep_pro")[2] == []


def test_report_header_values():
    _, report, _ = parse_all("trivy/cvssv4_severity_source.json")
    assert report.tool_version == "0.69.1" and report.scanned_at.isoformat() == "2026-02-24T07:07:53.487381+00:00"
    # Grype writes its descriptor after 1.5 MB of matches.
    _, report, _ = parse_all("grype_anchore/anchore_grype/many_vulns_with_epss_values.json")
    assert report.tool_version == "0.94.0" and report.scanned_at.year == 2025
    _, report, _ = parse_all("grype_anchore/anchore_engine/new_format_issue_11552.json")
    assert report.scanned_at.isoformat() == "2025-01-13T10:09:59.971000+00:00"
    _, report, _ = parse_all("sarif/appendix_k.sarif")
    assert report.tool_version == "2.1" and report.scanned_at.isoformat() == "2016-07-16T14:18:25+00:00"
    _, report, _ = parse_all("semgrep/semgrep/cwe_list.json")  # "version" after the results
    assert report.tool_version == "0.96.0"
    _, report, _ = parse_all("bandit/one_vuln.json")
    assert report.scanned_at.isoformat() == "2020-12-30T10:03:39+00:00"
    assert report.hosts == {}  # code and container findings: the importer attaches the system


def test_trivy_secrets_are_masked():
    findings = parse_all("trivy/misconfigurations_and_secrets.json")[2]
    secret = pick(findings, tool_id="github-pat", file_path="secret.txt")
    assert secret.line == 1 and secret.evidence == "Match: GITHUB_PAT=**********"
    assert trivy.mask_secret("ENV GITHUB_PAT=ghp_abcdefghijklmnopqrstuvwxyz") == "ENV GITHUB_PAT=ghp_********"
    assert trivy.mask_secret("token ghp_abcdefghijkl") == "toke********"
    assert "AKIAIOSFODNN7EXAMPLE" not in trivy.mask_secret("aws_access_key_id: AKIAIOSFODNN7EXAMPLE")


def test_trivy_kubernetes_workloads_keep_findings_apart():
    findings = parse_all("trivy/kubernetes.json")[2]
    components = {f.component for f in findings if f.tool_id == "CVE-2020-27350"}
    assert components == {"apt (default/Deployment/redis-follower)", "apt (default/Deployment/redis-leader)"}


def test_sarif_suppressions_are_kept_and_marked():
    findings = parse_all("sarif/suppression_test.sarif")[2]
    marked = [f for f in findings if f.evidence.startswith("Suppressed in the source report")]
    # suppressions: [external], [external], [inSource] (no status → accepted), [] and none → not marked.
    assert len(marked) == 3
    appendix = parse_all("sarif/appendix_k.sarif")[2][0]
    assert appendix.evidence.startswith("Suppressed in the source report (external, accepted)")


def test_sarif_pass_results_are_not_findings():
    # 12 results of rule FF1013, one of them {"ruleId": "FF1013", "kind": "pass", "level": "note"}.
    findings = parse_all("sarif/flawfinder.sarif")[2]
    assert len([f for f in findings if f.tool_id == "FF1013"]) == 11


def test_anchore_package_split():
    assert anchore_engine.split_package("java-11-openjdk-headless-1:11.0.25.0.9-2.el8", "RPM") == \
        ("java-11-openjdk-headless", "1:11.0.25.0.9-2.el8")
    assert anchore_engine.split_package("jgroups-kubernetes-1.0.17.Final", "Java") == \
        ("jgroups-kubernetes", "1.0.17.Final")
    assert anchore_engine.split_package("weird", "Java") == ("weird", "")


EXPECTED_OWNER = {"trivy/": "trivy", "grype_anchore/anchore_grype/": "grype",
                  "grype_anchore/anchore_engine/": "anchore_engine", "grype_anchore/anchorectl_vulns/": "anchorectl",
                  "sarif/": "sarif", "semgrep/semgrep/": "semgrep", "semgrep/semgrep_pro/": "semgrep_pro",
                  "bandit/": "bandit"}


def test_each_file_is_claimed_by_exactly_its_own_module():
    for case_ in CASES:
        path = case_.values[0]
        owner = next(name for prefix, name in EXPECTED_OWNER.items() if path.startswith(prefix))
        claimants = [m.NAME for m in MINE if m.detects(sniffing.sniff(corpus_file(path)))]
        assert claimants == [owner], path


FOREIGN = ["nessus/nessus/nessus_with_cvssv3.nessus", "nessus/tenable_many_vuln.csv", "zap/some_2.9.0.xml",
           "nuclei/multiple_v3.json", "nuclei/many_findings.json", "generic/generic_report1.json",
           "generic/generic_empty.json", "generic/generic_report1.csv", "wazuh/v4-7_many_findings.json",
           "wazuh/v4-8_many_findings.json", "nikto/juice-shop.json", "nikto/issue_9274.json",
           "acunetix/acunetix360_one_finding.json", "qualys/qualys_vmdr/one_vuln_cve.csv", "nmap/nmap_1port.xml",
           "openvas/many_vuln.xml", "burp/one_finding.xml"]


@pytest.mark.parametrize("path", FOREIGN)
def test_other_scanners_files_are_not_claimed(path):
    sniffed = sniffing.sniff(corpus_file(path))
    assert [m.NAME for m in MINE if m.detects(sniffed)] == []


# Keys of every shape above, so random documents often look like the real ones.
KEYS = ["Results", "Resources", "Vulnerabilities", "Misconfigurations", "Secrets", "Licenses", "ClusterName",
        "SchemaVersion", "CVSS", "nvd", "V3Score", "CauseMetadata", "Code", "Lines", "matches", "vulnerability",
        "artifact", "locations", "cvss", "metrics", "epss", "relatedVulnerabilities", "descriptor", "fix",
        "vulnerabilities", "nvd_data", "nvdData", "cvss_v2", "extra", "securityEvaluation", "metadata", "runs", "tool",
        "driver", "rules", "results", "message", "arguments", "messageStrings", "physicalLocation", "region",
        "fingerprints", "suppressions", "properties", "relationships", "target", "vulns", "advisory", "references",
        "findings", "rule_name", "location", "issue_cwe", "line_range", "version", "id", "severity", "level"]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=6) | st.sampled_from(["CVE-2020-1234", "CWE-79", "HIGH", "error", "2024-01-01T00:00:00Z"])
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=4),
                         max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_parsers_fail_only_with_parse_error(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        path.write_text(json.dumps(document))
        try:
            sniffed = sniffing.sniff(path)
        except base.ParseError:
            return
        for module in MINE:  # every module, as if the user forced the format
            try:
                for finding in module.parse(path, base.ReportInfo(), sniffed):
                    finding.clean()
            except base.ParseError:
                pass
