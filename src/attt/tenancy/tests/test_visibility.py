"""The visibility suite: every registered route, as a user of another tree, shows no foreign object
and writes nothing; a read-only supervisor sees its subtree but cannot write.

A new route without an entry in ROUTES fails `test_every_route_is_covered`.
"""

from __future__ import annotations

import datetime
import importlib
import io
import zipfile

import pytest
from django.urls import URLResolver, get_resolver, reverse

from attt.incidents.models import (
    Delivery,
    Incident,
    IncidentFile,
    IncidentReport,
    IncidentResponder,
    IncidentTask,
    Indicator,
    TimelineEvent,
)
from attt.inventory.models import InformationSystem, SystemHost
from attt.levels.models import (
    ClassificationRecord,
    Dossier,
    DossierAttachment,
    RequirementAnswer,
    SecurityRegulation,
)
from attt.obligations.models import CalendarFeed, Evidence, SubjectEvent
from attt.scans.models import Finding, FixDeadline, ScanImport, UnmatchedHost
from attt.tenancy.models import AuditChainHead, AuditEntry, Organisation, RoleAssignment

# Strings that only tree A's rows contain (see attt.testing.build_world).
FOREIGN_MARKERS = ("Alpha-Zq7", "AG-A1", "MIN-A", "officer.a", "alpha.a1.gov.vn", "10.1.0.0", "Check 99170",
                   "10.9.9.9")

from .routes import ACTION, DETAIL, EDIT, LIST, PUBLIC, Route, api_writes  # noqa: E402,F401


def org_form(parent_code):
    return {"code": "NEW-X", "kind": "unit", "parent": parent_code, "name_vi": "Đơn vị mới", "name_en": "New unit"}


def system_form(owner_code_or_pk, name="Đã bị đổi tên"):
    return {"owner": owner_code_or_pk, "operator": owner_code_or_pk, "name": name, "system_type": "internal",
            "hosting": "cloud", "status": "operating", "networks_text": "", "domains_text": "", "hosts_text": ""}


def csv_upload(owner_code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = f"Mã đơn vị chủ quản,Tên hệ thống,Loại hệ thống,Hình thức triển khai\n{owner_code},Lén nhập,internal,cloud\n"
    return SimpleUploadedFile("x.csv", content.encode("utf-8"), content_type="text/csv")


ROUTES: dict[str, Route] = {
    # Public or self-only pages: no row data at all.
    "login": Route(PUBLIC),
    "logout": Route(ACTION),
    "set_language": Route(ACTION),
    "home": Route(LIST),
    "switch-organisation": Route(ACTION, writes=[("post", lambda w: {"organisation": "AG-A1"})]),
    # Organisations and roles.
    "organisation-list": Route(LIST, query="?q=A"),
    "organisation-create": Route(LIST, writes=[("post", lambda w: org_form(w.agency.pk))]),
    "organisation-detail": Route(DETAIL, lambda w: {"code": "AG-A1"}),
    "organisation-edit": Route(EDIT, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: {**org_form(w.ministry.pk), "code": "AG-A1"})]),
    "organisation-delete": Route(ACTION, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: {})]),
    "role-assign": Route(ACTION, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: {"username": "officer.b", "role": "org_admin"})]),
    "role-revoke": Route(ACTION, lambda w: {"pk": w.officer_a.role_assignments.get().pk}, writes=[("post", lambda w: {})]),
    "audit-list": Route(LIST, query="?q=a"),
    "audit-verify": Route(ACTION, writes=[("post", lambda w: {})]),
    # Inventory.
    "system-list": Route(LIST, query="?q=Alpha"),
    "system-create": Route(LIST, writes=[("post", lambda w: system_form(w.agency.pk, "Lén tạo"))]),
    "system-import": Route(LIST, writes=[("post", lambda w: {"file": csv_upload("AG-A1"), "organisation": w.agency.pk})]),
    "system-template": Route(PUBLIC),
    "system-export": Route(LIST, lambda w: {"fmt": "xlsx"}),
    "system-detail": Route(DETAIL, lambda w: {"pk": w.system_a.pk}),
    "system-edit": Route(EDIT, lambda w: {"pk": w.system_a.pk}, writes=[("post", lambda w: system_form(w.agency.pk))]),
    "system-delete": Route(ACTION, lambda w: {"pk": w.system_a.pk}, writes=[("post", lambda w: {})]),
    # API.
    "api:api-root": Route(PUBLIC),
    "api:token": Route(ACTION),
    "api:schema": Route(PUBLIC),
    "api:docs": Route(PUBLIC),
    "api:redoc": Route(PUBLIC),
    "api:me-list": Route(LIST),
    "api:organisation-list": Route(LIST, writes=api_writes(create_payload=lambda w: {**org_form("AG-A1"), "parent": "AG-A1"})),
    "api:organisation-detail": Route(DETAIL, lambda w: {"code": "AG-A1"}, writes=api_writes(lambda w: {**org_form("MIN-A"), "code": "AG-A1", "parent": "MIN-A"})),
    "api:roleassignment-list": Route(LIST, writes=api_writes(create_payload=lambda w: {"username": "officer.b", "organisation": "AG-A1", "role": "org_admin"})),
    "api:roleassignment-detail": Route(DETAIL, lambda w: {"pk": w.officer_a.role_assignments.get().pk},
                                       writes=api_writes(lambda w: {"username": "officer.b", "organisation": "MIN-A", "role": "org_admin"})),
    "api:system-list": Route(LIST, query="?q=Alpha", writes=api_writes(create_payload=lambda w: {**system_form("AG-A1", "Lén tạo"), "networks": []})),
    "api:system-detail": Route(DETAIL, lambda w: {"pk": w.system_a.pk}, writes=api_writes(lambda w: system_form("AG-A1"))),
    "api:system-export": Route(LIST, query="?file_format=csv"),
    "api:system-template": Route(PUBLIC),
    "api:system-import-file": Route(ACTION, writes=[("post", lambda w: {"file": csv_upload("AG-A1"), "organisation": "AG-A1"})]),
    "api:auditentry-list": Route(LIST),
    "api:auditentry-detail": Route(DETAIL, lambda w: {"sequence": w.system_a_entry}),
    "api:auditentry-verify": Route(ACTION, writes=[("post", lambda w: {})]),
    # Security levels (tree A holds an approved dossier, a regulation and checklist evidence).
    "level-overview": Route(LIST),
    "level-missing-export": Route(LIST),
    "system-classify": Route(EDIT, lambda w: {"pk": w.system_a.pk},
                             writes=[("post", lambda w: {**wizard_form(), "save": "1"})]),
    "system-checklist": Route(DETAIL, lambda w: {"pk": w.system_a.pk}, writes=[("post", lambda w: {
        "requirement": w.requirement, "status": "not_applicable", "reason": "x"})]),
    "dossier-list": Route(LIST, query="?state=approved"),
    "dossier-detail": Route(DETAIL, lambda w: {"pk": w.dossier.pk}),
    "dossier-decision": Route(DETAIL, lambda w: {"pk": w.dossier.pk}),
    "dossier-document": Route(DETAIL, lambda w: {"pk": w.dossier.pk, "name": "form-02", "fmt": "docx"}),
    "dossier-attachment": Route(DETAIL, lambda w: {"pk": w.attachment.pk}),
    "dossier-attachment-add": Route(ACTION, lambda w: {"pk": w.draft.pk},
                                    writes=[("post", lambda w: {"part": "overview", "file": level_pdf()})]),
    "dossier-attachment-delete": Route(ACTION, lambda w: {"pk": w.draft_attachment.pk},
                                       writes=[("post", lambda w: {})]),
    "dossier-step": Route(ACTION, lambda w: {"pk": w.draft.pk, "step": "submit"}, writes=[("post", lambda w: {})]),
    "requirement-evidence": Route(DETAIL, lambda w: {"pk": w.evidence.pk}),
    "regulation-list": Route(LIST, writes=[("post", lambda w: {
        "organisation": "MIN-A", "title": "x", "decision_number": "1", "decided_on": "2026-01-01", "file": level_pdf()})]),
    "regulation-file": Route(DETAIL, lambda w: {"pk": w.regulation.pk}),
    "api:classification-list": Route(LIST, writes=[("post", lambda w: {"system": w.system_a.pk, "answers": LEVEL_ANSWERS})]),
    "api:classification-detail": Route(DETAIL, lambda w: {"pk": w.dossier.classification_id},
                                       writes=api_writes(lambda w: {"answers": LEVEL_ANSWERS})),
    "api:classification-prefill": Route(LIST, query=lambda w: f"?system={w.system_a.pk}"),
    "api:classification-preview": Route(ACTION, writes=[("post", lambda w: {"system": w.system_a.pk, "answers": LEVEL_ANSWERS})]),
    "api:dossier-list": Route(LIST),
    "api:dossier-detail": Route(DETAIL, lambda w: {"pk": w.dossier.pk}, writes=api_writes(lambda w: {"state": "drafting"})),
    "api:dossier-submit": Route(ACTION, lambda w: {"pk": w.draft.pk}, writes=[("post", lambda w: {})]),
    "api:dossier-return-": Route(ACTION, lambda w: {"pk": w.draft.pk}, writes=[("post", lambda w: {"reason": "x"})]),
    "api:dossier-appraise": Route(ACTION, lambda w: {"pk": w.draft.pk}, writes=[("post", lambda w: {"opinion": "x"})]),
    "api:dossier-approve": Route(ACTION, lambda w: {"pk": w.draft.pk}, writes=[("post", lambda w: {
        "number": "1", "decided_on": "2026-01-01", "issuer": "x", "signed_file": level_pdf()})]),
    "api:dossier-attachments": Route(ACTION, lambda w: {"pk": w.draft.pk},
                                     writes=[("post", lambda w: {"part": "overview", "file": level_pdf()})]),
    "api:levelapproval-list": Route(LIST),
    "api:levelapproval-missing": Route(LIST, query="?file_format=csv"),
    "api:checklist-detail": Route(DETAIL, lambda w: {"pk": w.system_a.pk}),
    "api:checklist-answer": Route(ACTION, lambda w: {"pk": w.system_a.pk}, writes=[("post", lambda w: {
        "requirement": w.requirement, "status": "not_applicable", "reason": "x"})]),
    "api:securityregulation-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "organisation": "MIN-A", "title": "x", "decision_number": "1", "decided_on": "2026-01-01", "file": level_pdf()})),
    "api:securityregulation-detail": Route(DETAIL, lambda w: {"pk": w.regulation.pk},
                                           writes=api_writes(lambda w: {"title": "x"})),
    # Obligations (tree A holds statuses, a hand-recorded evidence with its document, an event, a feed).
    "obligation-board": Route(LIST, query="?tab=systems"),
    "obligation-catalogue": Route(LIST),
    "obligation-system": Route(DETAIL, lambda w: {"pk": w.system_a.pk}),
    "obligation-organisation": Route(DETAIL, lambda w: {"code": "AG-A1"}),
    "obligation-evidence-add": Route(ACTION, writes=[("post", lambda w: evidence_form(system=w.system_a.pk)),
                                                     ("post", lambda w: evidence_form(organisation="MIN-A"))]),
    "obligation-evidence-withdraw": Route(ACTION, lambda w: {"pk": w.duty_evidence.pk},
                                          writes=[("post", lambda w: {"reason": "x"})]),
    "obligation-evidence-document": Route(DETAIL, lambda w: {"pk": w.duty_evidence.document.pk}),
    "obligation-event-add": Route(ACTION, writes=[("post", lambda w: {
        "system": w.system_a.pk, "kind": "authority_request", "occurred_on": "2026-01-05", "description": "x"})]),
    "obligation-feeds": Route(LIST, writes=[("post", lambda w: {"organisation": "AG-A1"})]),
    "obligation-feed-revoke": Route(ACTION, lambda w: {"pk": w.feed.pk}, writes=[("post", lambda w: {})]),
    # The token is the credential: another tree's own feed must not show tree A.
    "obligation-feed-ics": Route(PUBLIC, lambda w: {"token": w.feed_b.token}),
    "api:duty-list": Route(LIST),
    "api:duty-detail": Route(PUBLIC, lambda w: {"pk": "D18-1"}),
    "api:dutystatus-list": Route(LIST, query="?organisation=AG-A1"),
    "api:dutystatus-detail": Route(DETAIL, lambda w: {"pk": w.duty_status.pk}),
    "api:dutystatus-rollup": Route(LIST),
    "api:systemduties-detail": Route(DETAIL, lambda w: {"pk": w.system_a.pk}),
    "api:organisationduties-detail": Route(DETAIL, lambda w: {"pk": "AG-A1"}),
    "api:evidence-list": Route(LIST, writes=api_writes(create_payload=lambda w: evidence_form(system=w.system_a.pk))),
    "api:evidence-detail": Route(DETAIL, lambda w: {"pk": w.duty_evidence.pk},
                                 writes=api_writes(lambda w: {"title": "x"})),
    "api:evidence-withdraw": Route(ACTION, lambda w: {"pk": w.duty_evidence.pk},
                                   writes=[("post", lambda w: {"reason": "x"})]),
    "api:subjectevent-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "system": w.system_a.pk, "kind": "authority_request", "occurred_on": "2026-01-05"})),
    "api:subjectevent-detail": Route(DETAIL, lambda w: {"pk": w.duty_event.pk},
                                     writes=api_writes(lambda w: {"kind": "incident"})),
    "api:calendarfeed-list": Route(LIST, writes=api_writes(create_payload=lambda w: {"organisation": "AG-A1"})),
    # A feed is its creator's alone: nobody else, supervisor included, reaches it.
    "api:calendarfeed-detail": Route(ACTION, lambda w: {"pk": w.feed.pk}),
    "api:calendarfeed-revoke": Route(ACTION, lambda w: {"pk": w.feed.pk}, writes=[("post", lambda w: {})]),
    # Vulnerability scans (tree A holds an import with a finding on Alpha and one unmatched host).
    "scan-findings": Route(LIST, query="?q=Check"),
    "scan-finding": Route(DETAIL, lambda w: {"pk": w.finding.pk}),
    "scan-finding-status": Route(ACTION, writes=[("post", lambda w: {"finding": w.finding.pk, "status": "fixed"})]),
    "scan-imports": Route(LIST, writes=[("post", lambda w: {"file": scan_upload(), "organisation": "AG-A1"}),
                                        ("post", lambda w: {"file": scan_upload(), "system": w.system_a.pk})]),
    "scan-import": Route(DETAIL, lambda w: {"pk": w.scan_import.pk}),
    "scan-import-progress": Route(ACTION, lambda w: {"pk": w.scan_import.pk}),
    "scan-unmatched": Route(LIST),
    "scan-unmatched-assign": Route(ACTION, lambda w: {"pk": w.unmatched.pk},
                                   writes=[("post", lambda w: {"system": w.system_a.pk})]),
    "scan-deadlines": Route(LIST, query="?org=AG-A1", writes=[("post", lambda w: {"org": "AG-A1", "critical_3": "1"})]),
    "scan-history": Route(DETAIL, lambda w: {"pk": w.system_a.pk}),
    "api:scanimport-list": Route(LIST, writes=[("post", lambda w: {"file": scan_upload(), "organisation": "AG-A1"})]),
    "api:scanimport-detail": Route(DETAIL, lambda w: {"pk": w.scan_import.pk}),
    "api:finding-list": Route(LIST, query="?q=Check"),
    "api:finding-detail": Route(DETAIL, lambda w: {"pk": w.finding.pk}),
    "api:finding-status": Route(ACTION, lambda w: {"pk": w.finding.pk}, writes=[("post", lambda w: {"status": "fixed"})]),
    "api:finding-bulk-status": Route(ACTION, writes=[("post", lambda w: {"findings": [w.finding.pk], "status": "fixed"})]),
    "api:finding-summary": Route(LIST),
    "api:unmatchedhost-list": Route(LIST),
    "api:unmatchedhost-detail": Route(DETAIL, lambda w: {"pk": w.unmatched.pk}),
    "api:unmatchedhost-assign": Route(ACTION, lambda w: {"pk": w.unmatched.pk},
                                      writes=[("post", lambda w: {"system": w.system_a.pk})]),
    "api:fixdeadline-list": Route(LIST, query="?org=AG-A1"),
    "api:fixdeadline-table": Route(ACTION, writes=[("put", lambda w: {"org": "AG-A1", "cells": {"critical": {"3": 1}}})]),
    "api:scanformat-list": Route(PUBLIC),
    # Incidents (tree A holds a case on Alpha with a task, an indicator 10.9.9.9, a file, a responder,
    # and a report delivered to MIN-A).
    "incident-list": Route(LIST, query="?q=Alpha"),
    "incident-new": Route(LIST, writes=[("post", lambda w: incident_form("AG-A1", w.system_a.pk))]),
    "incident-detail": Route(DETAIL, lambda w: {"pk": w.incident.pk}),
    "incident-edit": Route(EDIT, lambda w: {"pk": w.incident.pk},
                           writes=[("post", lambda w: incident_form("AG-A1", w.system_a.pk))]),
    "incident-note": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"text": "x"})]),
    "incident-task": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"title": "x"})]),
    "incident-task-done": Route(ACTION, lambda w: {"pk": w.incident_task.pk}, writes=[("post", lambda w: {"done": "1"})]),
    "incident-indicators": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                 writes=[("post", lambda w: {"values": "198.51.100.1"})]),
    "incident-stix": Route(DETAIL, lambda w: {"pk": w.incident.pk}),
    "incident-stix-import": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                  writes=[("post", lambda w: {"bundle": stix_upload()})]),
    "incident-file": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"file": log_upload()})]),
    "incident-file-download": Route(ACTION, lambda w: {"pk": w.incident_file.pk}),
    "incident-responder": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                writes=[("post", lambda w: {"username": "officer.b"})]),
    "incident-responder-remove": Route(ACTION, lambda w: {"pk": w.incident_responder.pk}, writes=[("post", lambda w: {})]),
    "incident-report-generate": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                      writes=[("post", lambda w: {"kind": "form03"})]),
    "incident-report": Route(DETAIL, lambda w: {"pk": w.incident_report.pk}),
    "incident-report-preview": Route(DETAIL, lambda w: {"pk": w.incident_report.pk}),
    "incident-report-download": Route(ACTION, lambda w: {"pk": w.incident_report.pk, "fmt": "pdf"}),
    "incident-report-send": Route(ACTION, lambda w: {"pk": w.incident_report.pk},
                                  writes=[("post", lambda w: {"recipients": ["PRV-B"]})]),
    "incident-inbox": Route(LIST),
    "incident-delivery-ack": Route(ACTION, lambda w: {"pk": w.incident_delivery.pk}, writes=[("post", lambda w: {})]),
    "incident-ack-link": Route(PUBLIC, lambda w: {"token": "not-a-token"}, writes=[("post", lambda w: {"name": "x"})]),
    "api:incident-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        **incident_form("AG-A1", w.system_a.pk), "organisation": "AG-A1", "systems": [w.system_a.pk]})),
    "api:incident-detail": Route(DETAIL, lambda w: {"pk": w.incident.pk},
                                 writes=api_writes(lambda w: {"status": "closed"})),
    "api:incident-clocks": Route(ACTION, lambda w: {"pk": w.incident.pk}),
    "api:incident-timeline": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"text": "x"})]),
    "api:incident-tasks": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                writes=[("post", lambda w: {"title": "x"}),
                                        ("post", lambda w: {"task": w.incident_task.pk, "done": True})]),
    "api:incident-indicators": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                     writes=[("post", lambda w: {"indicators": [{"kind": "ipv4", "value": "198.51.100.1"}]})]),
    "api:incident-stix": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"bundle": stix_upload()})]),
    "api:incident-files": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"file": log_upload()})]),
    "api:incident-responders": Route(ACTION, lambda w: {"pk": w.incident.pk},
                                     writes=[("post", lambda w: {"username": "officer.b"})]),
    "api:incident-reports": Route(ACTION, lambda w: {"pk": w.incident.pk}, writes=[("post", lambda w: {"kind": "form03"})]),
    "api:incidentreport-list": Route(LIST),
    "api:incidentreport-detail": Route(DETAIL, lambda w: {"pk": w.incident_report.pk}),
    "api:incidentreport-download": Route(ACTION, lambda w: {"pk": w.incident_report.pk}),
    "api:incidentreport-send": Route(ACTION, lambda w: {"pk": w.incident_report.pk},
                                     writes=[("post", lambda w: {"recipients": ["PRV-B"]})]),
    "api:incidentdelivery-list": Route(LIST),
    "api:incidentdelivery-detail": Route(DETAIL, lambda w: {"pk": w.incident_delivery.pk}),
    "api:incidentdelivery-inbox": Route(LIST),
    "api:incidentdelivery-acknowledge": Route(ACTION, lambda w: {"pk": w.incident_delivery.pk},
                                              writes=[("post", lambda w: {})]),
}


# Writes that only touch the person's own things, which a read-only role may still do: choosing an
# organisation in the switcher, creating one's own calendar address (it shows only one's own scope).
PERSONAL_WRITES = {"switch-organisation", "obligation-feeds", "api:calendarfeed-list"}

# Rooms that keep their route list beside their code (see routes.py).
ROOM_MODULES = []
for _room in ("readiness", "public", "reports", "dashboards"):
    try:
        _module = importlib.import_module(f"attt.{_room}.tests.visibility")
    except ModuleNotFoundError as _error:
        if _error.name != f"attt.{_room}.tests.visibility":
            raise
        continue
    ROOM_MODULES.append(_module)
    ROUTES.update(_module.ROUTES)
    PERSONAL_WRITES |= set(getattr(_module, "PERSONAL_WRITES", ()))


def scan_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("leak.nessus", (
        b'<?xml version="1.0"?><NessusClientData_v2><Report name="x"><ReportHost name="10.1.0.10"><HostProperties>'
        b'<tag name="host-ip">10.1.0.10</tag></HostProperties><ReportItem port="80" protocol="tcp" severity="3" '
        b'pluginID="1" pluginName="Leak"/></ReportHost></Report></NessusClientData_v2>'))


def incident_form(org_code, system_pk):
    return {"organisation": org_code, "title": "Lén mở", "incident_type": "dos", "detected_at": "2026-09-01T10:00",
            "reporter_name": "x", "systems": [system_pk], "status": "closed"}


def stix_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    bundle = ('{"type": "bundle", "id": "bundle--6f1f8e0e-8a8e-4d3b-9d1c-2b7a4c9e0f11", "objects": [{"type": "indicator", '
              '"spec_version": "2.1", "id": "indicator--0c6b1c3e-6a6b-4f0b-8f8e-3f6d2b1a9c7d", "created": "2026-01-01T00:00:00Z", '
              '"modified": "2026-01-01T00:00:00Z", "pattern": "[ipv4-addr:value = \'198.51.100.2\']", '
              '"pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}]}')
    return SimpleUploadedFile("b.json", bundle.encode())


def log_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("leak.log", b"leak attempt")


def evidence_form(**subject):
    from attt.levels.testing import pdf

    return {**subject, "duty_id": "D18-1" if "system" in subject else "D18-4", "occurred_on": "2026-01-05",
            "title": "x", "file": pdf("scan.pdf")}


LEVEL_ANSWERS = {"system_type": "internal", "information_classes": ["public"]}


def level_pdf():
    from attt.levels.testing import pdf

    return pdf("x.pdf", b"leak attempt")


def wizard_form():
    return {"system_type": "internal", "information_classes": ["public"], "state_secret_harm": "none",
            "public_service_level": "none", "data_subjects_basic": "0", "data_subjects_sensitive": "0",
            "infrastructure_scope": "none", "industrial_control_grade": "none",
            "prime_minister_level": "0", "risk_framework_level": "0"}


def registered_route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace, prefix + str(pattern.pattern))
            else:
                if (prefix + str(pattern.pattern)).startswith("admin/"):
                    continue  # Django's admin: closed to all but platform administrators (tested below)
                names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {prefix}{pattern.pattern}>")

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_route_is_covered():
    names = registered_route_names()
    missing = names - set(ROUTES)
    assert not missing, f"routes without a visibility check: {sorted(missing)}"
    stale = set(ROUTES) - names
    assert not stale, f"visibility checks for routes that no longer exist: {sorted(stale)}"


def test_admin_is_closed_to_everyone_but_platform_administrators(world, client):
    admin_urls = ["/admin/", "/admin/inventory/informationsystem/", f"/admin/inventory/informationsystem/{world.system_a.pk}/change/",
                  "/admin/tenancy/organisation/", "/admin/tenancy/auditentry/"]
    for user in (world.officer_b, world.regulator, world.admin_a):
        user.is_staff = True  # even a staff flag does not open it
        user.save()
        client.force_login(user)
        for url in admin_urls:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.force_login(world.platform_admin)
    assert client.get(admin_urls[2]).status_code == 200


def response_text(response) -> str:
    if hasattr(response, "streaming_content"):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # XLSX: read every cell's text
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml"))
    return content.decode("utf-8", "replace")


def state(world):
    """Everything a write could touch: the audit head, and the foreign rows themselves."""
    head = AuditChainHead.objects.get(pk=1)
    return (
        head.last_sequence,
        InformationSystem.objects.filter(pk=world.system_a.pk).values_list("name", "updated_at").first(),
        Organisation.objects.filter(code="AG-A1").values_list("name_vi", "updated_at", "parent_id").first(),
        RoleAssignment.objects.count(),
        Organisation.objects.count(),
        InformationSystem.objects.count(),
        tuple(Dossier.objects.order_by("pk").values_list("pk", "state", "level", "updated_at")),
        ClassificationRecord.objects.count(), DossierAttachment.objects.count(),
        SecurityRegulation.objects.count(),
        tuple(RequirementAnswer.objects.order_by("pk").values_list("status", "updated_at")),
        tuple(Evidence.objects.order_by("pk").values_list("pk", "withdrawn_at", "title")),
        SubjectEvent.objects.count(),
        CalendarFeed.objects.filter(pk=world.feed.pk).values_list("revoked_at").first(),
        tuple(Finding.objects.order_by("pk").values_list("pk", "status", "status_changed_at", "due_on")),
        ScanImport.objects.count(), UnmatchedHost.objects.count(), SystemHost.objects.count(),
        tuple(FixDeadline.objects.order_by("pk").values_list("organisation_id", "severity", "level", "days")),
        tuple(Incident.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        TimelineEvent.objects.count(), tuple(IncidentTask.objects.order_by("pk").values_list("pk", "done_at")),
        Indicator.objects.count(), IncidentFile.objects.count(), IncidentResponder.objects.count(),
        IncidentReport.objects.count(), tuple(Delivery.objects.order_by("pk").values_list("pk", "acknowledged_at")),
        *(module.state(world) for module in ROOM_MODULES),
    )


@pytest.fixture
def visible_world(world, request):
    anchor = f"inventory.informationsystem:{world.system_a.pk}"
    world.system_a_entry = AuditEntry.objects.filter(anchor=anchor).latest("sequence").sequence
    _level_rows(world)
    _obligation_rows(world)
    _scan_rows(world)
    _incident_rows(world)
    route = getattr(getattr(request.node, "callspec", None), "params", {}).get("name", "")
    for module in ROOM_MODULES:
        # A room whose rows are costly to build (rendered documents) names the routes that can
        # show them; elsewhere its state() still catches any row another route would write.
        prefixes = getattr(module, "ROWS_FOR_ROUTES", None)
        if prefixes is None or route.startswith(tuple(prefixes)):
            module.rows(world)
    return world


def _incident_rows(world):
    """A case of AG-A1 on Alpha, with every kind of row, and a report delivered to MIN-A."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attt.incidents import delivery, services
    from attt.testing import make_user

    world.incident = services.open_incident(world.operator_a1, world.agency, {
        "title": "Sự cố Alpha-Zq7", "incident_type": "malware", "reporter_name": "officer.a",
        "detected_at": "2026-09-01T10:00"}, [world.system_a.pk])
    world.incident_task = services.add_task(world.operator_a1, world.incident, "Clean Alpha-Zq7")
    services.add_indicators(world.operator_a1, world.incident, [("ipv4", "10.9.9.9")])
    world.incident_file = services.add_file(world.operator_a1, world.incident,
                                            SimpleUploadedFile("alpha.log", b"Alpha-Zq7 log"))
    make_user("expert.a")
    world.incident_responder = services.assign_responder(world.operator_a1, world.incident, "expert.a")
    world.incident_report = delivery.generate_report(world.operator_a1, world.incident, "notification")
    [world.incident_delivery] = delivery.send_report(world.operator_a1, world.incident_report, ["MIN-A"])


def _scan_rows(world):
    """An import by AG-A1: one finding on Alpha (10.1.0.10), one host nobody claims (10.9.9.9)."""
    import tempfile
    from pathlib import Path

    from attt.scans import services
    from attt.scans.tests.reports import nessus

    path = nessus(Path(tempfile.mkdtemp()) / "tree-a.nessus", {"10.1.0.10": [("99170", 3, 443)],
                                                               "10.9.9.9": [("99171", 2, 80)]})
    world.scan_import = services.import_file(world.officer_a, path, organisation=world.agency)
    assert world.scan_import.status == "done", world.scan_import.error
    world.finding = Finding.objects.get(system=world.system_a)
    world.unmatched = UnmatchedHost.objects.get()


def _obligation_rows(world):
    from attt.levels.testing import pdf
    from attt.obligations import recompute, services
    from attt.obligations.models import DutyStatus

    world.duty_evidence = services.upload_evidence(world.officer_a, "D18-1", datetime.date(2026, 1, 5), "Scan Alpha-Zq7",
                                                   upload=pdf("scan.pdf"), system=world.system_a)
    world.duty_event = services.record_manual_event(world.officer_a, "authority_request", datetime.date(2026, 1, 5),
                                                    "AG-A1 request", system=world.system_a)
    world.feed = services.create_feed(world.officer_a)
    world.feed_b = services.create_feed(world.officer_b)
    recompute.recompute_all()
    world.duty_status = DutyStatus.objects.get(system=world.system_a, duty_id="D18-1")


def _level_rows(world):
    """An approved level-3 dossier of system_a, a drafting version 2, evidence on the checklist."""
    from attt.levels import checklist, services
    from attt.levels.testing import ANSWERS_L3, approved, drafted, pdf, prepare_levels

    prepare_levels(world)
    world.dossier = approved(world)
    world.attachment = world.dossier.attachments.first()
    world.regulation = SecurityRegulation.objects.get()
    world.draft = drafted(world, {**ANSWERS_L3, "data_subjects_basic": 200_000})
    world.draft_attachment = world.draft.attachments.first()
    line = checklist.checklist_for(world.system_a).lines[0]
    world.requirement = line.requirement.id
    answer = checklist.answer_requirement(world.officer_a, world.system_a, world.requirement, "met")
    world.evidence = checklist.add_evidence(world.officer_a, answer, pdf("evidence.pdf"))
    assert services.can_prepare(world.officer_a, world.system_a)


def attempt(client, method, url, data, is_api):
    if method == "post" and not is_api:
        return client.post(url, data)
    if method == "post":
        has_file = any(hasattr(v, "read") for v in data.values())
        return client.post(url, data) if has_file else client.post(url, data, content_type="application/json")
    return getattr(client, method)(url, data, content_type="application/json")


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_other_tree_sees_nothing_and_writes_nothing(name, visible_world, client):
    world, route = visible_world, ROUTES[name]
    client.force_login(world.officer_b)  # full write rights, but in tree B
    url = reverse(name, kwargs=route.kwargs(world)) + route.query_for(world)
    response = client.get(url)
    if route.kind in (DETAIL, EDIT):
        assert response.status_code in (403, 404), f"{name}: {response.status_code}"
    elif response.status_code == 200:
        text = response_text(response)
        leaked = [m for m in FOREIGN_MARKERS if m in text]
        assert not leaked, f"{name} shows {leaked}"
    else:
        assert response.status_code in (302, 403, 404, 405), f"{name}: {response.status_code}"
    for method, payload in route.writes:
        before = state(world)
        result = attempt(client, method, url, payload(world), name.startswith("api:"))
        assert result.status_code in (200, 302, 400, 403, 404, 405), f"{name} {method}: {result.status_code}"
        assert state(world) == before, f"{name} {method} changed something"
        if result.status_code == 200:
            assert not [m for m in ("Alpha-Zq7",) if m in response_text(result)]
    if name == "switch-organisation":
        assert client.session.get("attt_current_organisation") is None


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind in (DETAIL, EDIT) or r.writes))
def test_supervisor_sees_the_subtree_but_cannot_write(name, visible_world, client):
    world, route = visible_world, ROUTES[name]
    client.force_login(world.supervisor_a)
    url = reverse(name, kwargs=route.kwargs(world)) + route.query_for(world)
    if route.kind == DETAIL:
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        assert any(m in response_text(response) for m in FOREIGN_MARKERS), name
    if route.kind == EDIT:
        assert client.get(url).status_code == 403, name
    for method, payload in route.writes:
        before = state(world)
        result = attempt(client, method, url, payload(world), name.startswith("api:"))
        allowed = (200, 201, 302) if name in PERSONAL_WRITES else (200, 302, 400, 403, 404, 405)
        assert result.status_code in allowed, f"{name} {method}: {result.status_code}"
        if name not in PERSONAL_WRITES:
            assert state(world) == before, f"{name} {method}: a read-only supervisor changed something"


def test_supervisor_lists_show_the_subtree(world, client):
    client.force_login(world.supervisor_a)
    for url in ("/systems/?q=Alpha", "/organisations/", "/api/systems/", "/api/organisations/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Alpha-Zq7" in response_text(response) or "AG-A1" in response_text(response), url
