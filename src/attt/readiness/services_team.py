"""The incident response team of an organisation: members and certificates, the five-expert rule
(catalogue/team-rules.yaml, CT 18 mục 4), roster confirmation (``response_team`` evidence, D18-4),
the 24/7 focal point with its history (``focal_point_changed`` event, IR-5-F), and the roster
import from CSV/XLSX (all or nothing). No HTTP here.

Rights: ``manage_readiness`` on the organisation changes its team; ``view`` reads it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attt.inventory.spreadsheet import RowProblem, SpreadsheetRejected, read_rows
from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import rules
from .models import (
    Certificate,
    FocalPoint,
    Membership,
    TeamConfirmation,
    TeamMember,
    TeamRole,
)

MEMBER_FIELDS = ("full_name", "username", "membership", "provider_name", "provider_code", "contract_end", "role",
                 "skills", "email", "phone")
CERTIFICATE_FIELDS = ("name", "issuer", "number", "expires_on")


def can_manage(user, organisation) -> bool:
    return organisation is not None and scope_for(user).can(Permission.MANAGE_READINESS, organisation)


def require_manage(user, organisation):
    if not can_manage(user, organisation):
        raise PermissionDenied(_("You may not manage the response team of this organisation."))


# --- parsing ---------------------------------------------------------------------------------

def parse_day(value, name: str) -> datetime.date | None:
    """A date from a date, an ISO string or dd/mm/yyyy; empty → None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError({name: [_("“%(value)s” is not a date; write dd/mm/yyyy.") % {"value": text}]})


def parse_skills(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value or "").replace("\n", ";").split(";")
    skills = []
    for item in items:
        text = str(item).strip()[:120]
        if text and text.lower() not in {s.lower() for s in skills}:
            skills.append(text)
    return skills[:50]


def _text(data, name, limit=255):
    return str(data.get(name) or "").strip()[:limit]


def clean_member(organisation, data: dict, member=None) -> dict:
    """The member fields of ``data`` checked; raises ValidationError naming every bad field."""
    errors, cleaned = {}, {}
    username = _text(data, "username", 150)
    user = None
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            errors["username"] = [_("No active ATTT user is called “%(name)s”.") % {"name": username}]
    full_name = _text(data, "full_name") or (user.get_full_name() or user.username if user else "")
    if not full_name:
        errors["full_name"] = [_("Give the member's name or an ATTT user name.")]
    membership = _text(data, "membership") or Membership.INTERNAL
    if membership not in Membership.values:
        errors["membership"] = [_("Choose internal or outsourced.")]
    role = _text(data, "role") or TeamRole.MEMBER
    if role not in TeamRole.values:
        errors["role"] = [_("Unknown role in the team: %(role)s.") % {"role": role}]
    provider_name = _text(data, "provider_name")
    if membership == Membership.OUTSOURCED and not provider_name:
        errors["provider_name"] = [_("An outsourced member needs the provider organisation's name.")]
    try:
        contract_end = parse_day(data.get("contract_end"), "contract_end")
    except ValidationError as error:
        errors.update(error.message_dict)
        contract_end = None
    email = _text(data, "email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    others = TeamMember.objects.filter(organisation=organisation)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if full_name and others.filter(full_name__iexact=full_name).exists():
        errors.setdefault("full_name", []).append(_("%(name)s is already in this team.") % {"name": full_name})
    if user is not None and others.filter(user=user).exists():
        errors.setdefault("username", []).append(_("This user is already in this team."))
    if errors:
        raise ValidationError(errors)
    outsourced = membership == Membership.OUTSOURCED
    cleaned.update(user=user, full_name=full_name, membership=membership, role=role,
                   provider_name=provider_name if outsourced else "",
                   provider_code=_text(data, "provider_code", 64) if outsourced else "",
                   contract_end=contract_end if outsourced else None, skills=parse_skills(data.get("skills")),
                   email=email, phone=_text(data, "phone", 64))
    return cleaned


def clean_certificate(data: dict) -> dict:
    errors = {}
    name = _text(data, "name")
    if not name:
        errors["name"] = [_("Give the certificate's name.")]
    try:
        expires_on = parse_day(data.get("expires_on"), "expires_on")
    except ValidationError as error:
        errors.update(error.message_dict)
        expires_on = None
    if errors:
        raise ValidationError(errors)
    return {"name": name, "issuer": _text(data, "issuer"), "number": _text(data, "number", 120),
            "expires_on": expires_on}


# --- members and certificates ----------------------------------------------------------------

def save_member(user, organisation, data: dict, member=None, certificates=()) -> TeamMember:
    """Add a member to ``organisation``'s team (or edit ``member``), with optional certificates."""
    require_manage(user, organisation if member is None else member.organisation)
    organisation = organisation if member is None else member.organisation
    cleaned = clean_member(organisation, data, member)
    checked = [clean_certificate(item) for item in certificates]
    with transaction.atomic():
        member = member or TeamMember(organisation=organisation)
        for name, value in cleaned.items():
            setattr(member, name, value)
        member.save()
        for item in checked:
            Certificate.objects.create(member=member, **item)
    return member


def delete_member(user, member):
    require_manage(user, member.organisation)
    with transaction.atomic():
        member.certificates.all().delete()
        member.delete()


def add_certificate(user, member, data: dict) -> Certificate:
    require_manage(user, member.organisation)
    return Certificate.objects.create(member=member, **clean_certificate(data))


def delete_certificate(user, certificate):
    require_manage(user, certificate.member.organisation)
    certificate.delete()


# --- the five-expert rule --------------------------------------------------------------------

@dataclass
class MemberCheck:
    member: TeamMember
    counts: bool
    reasons: list = field(default_factory=list)
    valid_certificates: list = field(default_factory=list)


@dataclass
class TeamCheck:
    rule: rules.TeamRule | None
    day: datetime.date
    members: list
    counted: int
    minimum: int
    shortfall: int
    meets: bool | None  # None: no rule in force that day

    @property
    def not_counting(self):
        return [row for row in self.members if not row.counts]


def check_member(member, rule: rules.TeamRule, day: datetime.date, certificates=None) -> MemberCheck:
    certificates = list(member.certificates.all()) if certificates is None else certificates
    reasons = []
    if member.membership == Membership.OUTSOURCED:
        if not rule.outsourced_count:
            reasons.append(_("outsourced members do not count under this rule"))
        elif rule.contract_must_be_running and member.contract_end and member.contract_end < day:
            reasons.append(_("contract ended on %(date)s") % {"date": member.contract_end.strftime("%d/%m/%Y")})
    valid = [c for c in certificates if (c.expires_on is None and rule.certificate_without_expiry_is_valid)
             or (c.expires_on is not None and c.expires_on >= day)]
    if len(valid) < rule.min_valid_certificates:
        if not certificates:
            reasons.append(_("no certificate recorded"))
        else:
            reasons.append(_("no certificate valid on %(date)s (all expired)") % {"date": day.strftime("%d/%m/%Y")})
    return MemberCheck(member, not reasons, reasons, valid)


def check_team(organisation, day: datetime.date | None = None, members=None) -> TeamCheck:
    """Who counts toward the rule in force on ``day`` (default today), and the shortfall."""
    day = day or timezone.localdate()
    rule = rules.team_rules().rule_on(day)
    if members is None:
        members = TeamMember.objects.filter(organisation=organisation).prefetch_related("certificates")
    members = list(members)
    if rule is None:
        return TeamCheck(None, day, [MemberCheck(m, False) for m in members], 0, 0, 0, None)
    rows = [check_member(m, rule, day) for m in members]
    counted = sum(1 for row in rows if row.counts)
    shortfall = max(0, rule.minimum_experts - counted)
    return TeamCheck(rule, day, rows, counted, rule.minimum_experts, shortfall, shortfall == 0)


def confirm_roster(user, organisation, decision: str = "", day: datetime.date | None = None) -> TeamConfirmation:
    """Confirm the roster as it stands; when it meets the rule, record ``response_team`` evidence."""
    require_manage(user, organisation)
    day = day or timezone.localdate()
    check = check_team(organisation, day)
    if not check.members:
        raise ValidationError({"roster": [_("The team has no member yet.")]})
    roster = [{"name": row.member.full_name, "membership": row.member.membership, "role": row.member.role,
               "counts": row.counts, "reasons": row.reasons,
               "certificates": [c.name for c in row.valid_certificates]} for row in check.members]
    with transaction.atomic():
        confirmation = TeamConfirmation.objects.create(
            organisation=organisation, confirmed_on=day, confirmed_by=stored_user(user),
            decision=str(decision or "").strip()[:120], rule_id=check.rule.id if check.rule else "",
            member_count=len(check.members), counted=check.counted, meets_rule=bool(check.meets), roster=roster)
        if check.meets:
            evidence.record(confirmation, kind="response_team", organisation=organisation, occurred_on=day,
                            title=_("Response team roster confirmed: %(n)s qualified experts")
                            % {"n": check.counted}, note=confirmation.decision, recorded_by=stored_user(user))
    return confirmation


# --- the 24/7 focal point --------------------------------------------------------------------

def current_focal_point(organisation) -> FocalPoint | None:
    return FocalPoint.objects.filter(organisation=organisation, valid_to__isnull=True).order_by("-valid_from").first()


def change_focal_point(user, organisation, data: dict) -> FocalPoint:
    """Replace the focal point; the old version stays in the history and the coordination agency
    must be told (``focal_point_changed`` re-opens IR-5-F, 24 h)."""
    require_manage(user, organisation)
    member = None
    member_id = str(data.get("member") or "").strip()
    errors = {}
    if member_id:
        member = TeamMember.objects.filter(organisation=organisation, pk=member_id if member_id.isdigit() else 0).first()
        if member is None:
            errors["member"] = [_("Choose a member of this organisation's team.")]
    name = _text(data, "name") or (member.full_name if member else "")
    phone = _text(data, "phone", 64) or (member.phone if member else "")
    email = _text(data, "email", 254) or (member.email if member else "")
    if not name:
        errors["name"] = [_("Give the focal point's name.")]
    if not phone:
        errors["phone"] = [_("Give a phone number answered 24/7.")]
    if not email:
        errors["email"] = [_("Give the focal point's e-mail address.")]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    current = current_focal_point(organisation)
    if current and (current.name, current.phone, current.email, current.member_id) == (
            name, phone, email, member.pk if member else None):
        raise ValidationError({"name": [_("This is already the focal point; nothing changed.")]})
    now = timezone.now()
    with transaction.atomic():
        if current is not None:
            current.valid_to = now
            current.save(update_fields=["valid_to"])
        point = FocalPoint.objects.create(
            organisation=organisation, member=member, name=name, phone=phone, email=email,
            note=_text(data, "note", 500), valid_from=now, changed_by=stored_user(user),
            changed_by_name=user.get_username())
        evidence.record_event("focal_point_changed", organisation=organisation, occurred_on=timezone.localdate(now),
                              source=point, description=_("24/7 focal point: %(name)s, %(phone)s, %(email)s")
                              % {"name": name, "phone": phone, "email": email})
    return point


# --- roster import (CSV / XLSX) --------------------------------------------------------------

IMPORT_COLUMNS = {
    "full_name": ("name", "full name", "họ và tên", "họ tên"),
    "username": ("username", "user name", "tài khoản"),
    "membership": ("internal/outsourced", "membership", "nội bộ/thuê ngoài"),
    "provider_name": ("provider", "provider name", "đơn vị cung cấp"),
    "provider_code": ("provider code", "mã đơn vị cung cấp"),
    "contract_end": ("contract end", "contract end date", "ngày hết hạn hợp đồng"),
    "role": ("role", "vai trò"),
    "skills": ("skills", "kỹ năng"),
    "email": ("email", "e-mail"),
    "phone": ("phone", "điện thoại"),
    "cert_name": ("certificate name", "certificate", "chứng chỉ"),
    "cert_issuer": ("issuer", "đơn vị cấp"),
    "cert_number": ("number", "certificate number", "số chứng chỉ"),
    "cert_expiry": ("expiry", "expiry date", "ngày hết hạn chứng chỉ"),
}
HEADER_KEYS = {alias: key for key, aliases in IMPORT_COLUMNS.items() for alias in aliases}
VALUE_ALIASES = {
    "membership": {"internal": "internal", "nội bộ": "internal", "outsourced": "outsourced",
                   "thuê ngoài": "outsourced"},
    "role": {"lead": "lead", "team lead": "lead", "trưởng nhóm": "lead", "member": "member", "thành viên": "member",
             "technical expert": "technical_expert", "technical_expert": "technical_expert",
             "chuyên gia kỹ thuật": "technical_expert", "coordinator": "coordinator", "điều phối": "coordinator"},
}
MEMBER_KEYS = ("username", "membership", "provider_name", "provider_code", "contract_end", "role", "skills", "email",
               "phone")


def _cell(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value if value is not None else "").split())


def parse_roster(user, organisation, filename: str, content: bytes) -> list[dict]:
    """Read and check a roster file; raises SpreadsheetRejected listing every problem (row, column, reason)."""
    require_manage(user, organisation)
    header, data = read_rows(filename, content)
    problems, keys = [], []
    for cell in header:
        key = HEADER_KEYS.get(" ".join(cell.lower().split()))
        if key is None and cell:
            problems.append(RowProblem(1, cell, _("Unknown column “%(name)s”.") % {"name": cell}))
        keys.append(key)
    if "full_name" not in keys:
        problems.append(RowProblem(1, "name", _("Required column is missing.")))
    if problems:
        raise SpreadsheetRejected(problems)
    if not data:
        raise SpreadsheetRejected([RowProblem(2, "", _("The file has no data rows."))])
    column = {key: cell for key, cell in zip(keys, header) if key}
    members: dict[str, dict] = {}
    for row_number, cells in data:
        values = {key: _cell(value) for key, value in zip(keys, cells) if key}
        for key, table in VALUE_ALIASES.items():
            if values.get(key):
                values[key] = table.get(values[key].lower(), values[key])
        name = values.get("full_name", "")
        entry = members.get(name.lower()) if name else None
        if entry is None:
            entry = {"row": row_number, "values": values, "certificates": []}
            members[name.lower() or f"#{row_number}"] = entry
            try:
                clean_member(organisation, values)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    problems += [RowProblem(row_number, column.get(key, key), m) for m in messages]
        else:  # a further certificate of the same person: member columns blank or identical
            for key in MEMBER_KEYS:
                if values.get(key) and values[key] != entry["values"].get(key, ""):
                    problems.append(RowProblem(row_number, column[key], _(
                        "Differs from row %(row)s of the same person.") % {"row": entry["row"]}))
        certificate = {"name": values.get("cert_name", ""), "issuer": values.get("cert_issuer", ""),
                       "number": values.get("cert_number", ""), "expires_on": values.get("cert_expiry", "")}
        if any(certificate.values()):
            try:
                entry["certificates"].append(clean_certificate(certificate))
            except ValidationError as error:
                names = {"name": "cert_name", "expires_on": "cert_expiry"}
                for key, messages in error.message_dict.items():
                    problems += [RowProblem(row_number, column.get(names.get(key, key), key), m) for m in messages]
    if problems:
        raise SpreadsheetRejected(sorted(problems, key=lambda p: (p.row, p.column)))
    return list(members.values())


def import_roster(user, organisation, filename: str, content: bytes, progress=None) -> int:
    """Import a roster file, all or nothing; returns the number of members added."""
    planned = parse_roster(user, organisation, filename, content)
    return store_roster(user, organisation, planned, progress)


def store_roster(user, organisation, planned: list[dict], progress=None) -> int:
    require_manage(user, organisation)
    with transaction.atomic():
        for entry in planned:
            try:
                save_member(user, organisation, entry["values"], certificates=entry["certificates"])
            except ValidationError as error:
                raise SpreadsheetRejected([RowProblem(entry["row"], key, m) for key, messages
                                           in error.message_dict.items() for m in messages]) from None
            if progress:
                progress(1)
    return len(planned)
