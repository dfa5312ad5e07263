"""anchorectl vulnerability JSON (``anchorectl image vulnerabilities <image> -o json``).

A JSON array of Anchore vulnerability records in camelCase (``packageName``, ``feedGroup``,
``nvdData[]{cvssV2{baseScore}, cvssV3{baseScore}}``, ``vendorData[]``): one finding per record,
built by the Anchore Engine parser's record reader.

An empty array ``[]`` is what anchorectl writes when an image has no vulnerability. Nothing in it
names a tool, so this module claims it only because no more specific format comes before it in
the registry that would (Trivy's legacy list needs ``Target``); either way it yields 0 findings.

Severity: Anchore's word, Critical/High/Medium/Low → same; Negligible and Unknown → info.
"""

from __future__ import annotations

from .anchore_engine import vulnerability_finding
from .base import json_items

NAME = "anchorectl"
TOOL = "anchore"
LABEL = "Anchore (anchorectl JSON)"

CAMEL = {"package_name": "packageName", "package_version": "packageVersion", "package_type": "packageType",
         "package_path": "packagePath", "feed_group": "feedGroup", "nvd_data": "nvdData",
         "vendor_data": "vendorData", "cvss_v2": "cvssV2", "cvss_v3": "cvssV3", "base_score": "baseScore"}


def detects(sniff) -> bool:
    if sniff.kind != "json" or sniff.json_top != "array":
        return False
    if not sniff.json_keys:
        return "".join(sniff.head.split()) == "[]"
    return "item.vuln" in sniff.json_keys and ("item.packageName" in sniff.json_keys
                                               or "item.feedGroup" in sniff.json_keys)


def parse(path, report, sniff):
    for record in json_items(path, "item"):
        yield vulnerability_finding(record, CAMEL, "anchorectl")
