"""Roles and what each may do. Data, not branches: a new role is a new row here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECURITY_OFFICER = "security_officer", _("Security officer")
    HEAD = "head", _("Head of organisation / system owner")
    OPERATOR = "operator", _("Operator")
    INCIDENT_RESPONDER = "incident_responder", _("Incident responder")
    SUPERVISOR = "supervisor", _("Supervisor")
    REGULATOR = "regulator", _("Regulator")
    AUDITOR = "auditor", _("Auditor")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


class Permission(models.TextChoices):
    VIEW = "view", _("View")
    EDIT_INVENTORY = "edit_inventory", _("Edit information systems")
    MANAGE_ORGANISATIONS = "manage_organisations", _("Manage organisations")
    MANAGE_ROLES = "manage_roles", _("Manage role assignments")
    # Security levels: prepare and submit a dossier, appraise it, approve it (NĐ 85 Art 12, NĐ 331
    # Art 18). Which organisation must act is decided per level by the procedure catalogue.
    PREPARE_LEVEL_DOSSIER = "prepare_level_dossier", _("Prepare security-level dossiers")
    APPRAISE_LEVEL_DOSSIER = "appraise_level_dossier", _("Appraise security-level dossiers")
    APPROVE_LEVEL_DOSSIER = "approve_level_dossier", _("Approve security levels")
    # Obligations: prove a duty occurrence with a document, record an event that re-opens a duty.
    RECORD_EVIDENCE = "record_evidence", _("Record evidence of legal duties")
    # Vulnerability scans: import reports, triage findings (fixed / false positive), approve an
    # accepted risk (the head or the security officer answers for it), set fix deadlines.
    IMPORT_SCANS = "import_scans", _("Import vulnerability scan reports")
    TRIAGE_FINDINGS = "triage_findings", _("Triage vulnerability findings")
    ACCEPT_RISK = "accept_risk", _("Approve accepted risks")
    MANAGE_FIX_POLICY = "manage_fix_policy", _("Set fix deadlines for findings")
    # Incidents: open and work a case (also granted per case to its assigned responders), send its
    # reports to the authorities, acknowledge reports received from others (QĐ 05 Art 12).
    HANDLE_INCIDENTS = "handle_incidents", _("Handle incident cases")
    SEND_INCIDENT_REPORTS = "send_incident_reports", _("Send incident reports")
    ACKNOWLEDGE_REPORTS = "acknowledge_reports", _("Acknowledge incident reports received")
    # Readiness: keep response plans, the response team, drills and audits; approve a plan (the
    # head answers for it). Public contact: publish contacts and security.txt, triage the public
    # intake; telecoms send customer warning campaigns.
    MANAGE_READINESS = "manage_readiness", _("Keep response plans, team, drills and audits")
    APPROVE_RESPONSE_PLANS = "approve_response_plans", _("Approve incident response plans")
    MANAGE_PUBLIC_CONTACT = "manage_public_contact", _("Publish incident-report contacts")
    SEND_CUSTOMER_WARNINGS = "send_customer_warnings", _("Send customer warning campaigns")
    # Periodic reports: generate and submit them to the supervisor; approve (sign) them — the head
    # of the organisation answers for a report, so submission waits for the approval.
    PREPARE_REPORTS = "prepare_reports", _("Prepare and submit periodic reports")
    APPROVE_REPORTS = "approve_reports", _("Approve periodic reports")


P = Permission
# A role on an organisation grants these permissions on that organisation's whole subtree.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SECURITY_OFFICER: frozenset({P.VIEW, P.EDIT_INVENTORY, P.PREPARE_LEVEL_DOSSIER,
                                      P.APPRAISE_LEVEL_DOSSIER, P.RECORD_EVIDENCE, P.IMPORT_SCANS,
                                      P.TRIAGE_FINDINGS, P.ACCEPT_RISK, P.MANAGE_FIX_POLICY,
                                      P.HANDLE_INCIDENTS, P.SEND_INCIDENT_REPORTS, P.ACKNOWLEDGE_REPORTS,
                                      P.MANAGE_READINESS, P.MANAGE_PUBLIC_CONTACT, P.SEND_CUSTOMER_WARNINGS,
                                      P.PREPARE_REPORTS}),
    Role.HEAD: frozenset({P.VIEW, P.EDIT_INVENTORY, P.PREPARE_LEVEL_DOSSIER, P.APPROVE_LEVEL_DOSSIER,
                          P.RECORD_EVIDENCE, P.IMPORT_SCANS, P.TRIAGE_FINDINGS, P.ACCEPT_RISK,
                          P.MANAGE_FIX_POLICY, P.HANDLE_INCIDENTS, P.SEND_INCIDENT_REPORTS,
                          P.ACKNOWLEDGE_REPORTS, P.MANAGE_READINESS, P.APPROVE_RESPONSE_PLANS,
                          P.MANAGE_PUBLIC_CONTACT, P.SEND_CUSTOMER_WARNINGS, P.PREPARE_REPORTS,
                          P.APPROVE_REPORTS}),
    Role.OPERATOR: frozenset({P.VIEW, P.EDIT_INVENTORY, P.PREPARE_LEVEL_DOSSIER, P.RECORD_EVIDENCE,
                              P.IMPORT_SCANS, P.TRIAGE_FINDINGS, P.HANDLE_INCIDENTS, P.SEND_INCIDENT_REPORTS,
                              P.MANAGE_READINESS, P.PREPARE_REPORTS}),
    Role.INCIDENT_RESPONDER: frozenset({P.VIEW, P.IMPORT_SCANS, P.TRIAGE_FINDINGS, P.HANDLE_INCIDENTS}),
    Role.SUPERVISOR: frozenset({P.VIEW}),
    # The regulator appraises level 4–5 dossiers of the organisations under it and nothing else.
    # It also receives incident reports and acknowledges them.
    # It consolidates the periodic reports of the organisations under it (the whole country).
    Role.REGULATOR: frozenset({P.VIEW, P.APPRAISE_LEVEL_DOSSIER, P.ACKNOWLEDGE_REPORTS, P.PREPARE_REPORTS,
                               P.APPROVE_REPORTS}),
    Role.AUDITOR: frozenset({P.VIEW}),
    Role.ORG_ADMIN: frozenset({P.VIEW, P.EDIT_INVENTORY, P.MANAGE_ORGANISATIONS, P.MANAGE_ROLES,
                               P.MANAGE_PUBLIC_CONTACT}),
}
READ_ONLY_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perms == {P.VIEW})
