"""Generate, approve, sign, submit; frozen as submitted; on time / late; consolidation; evidence."""

import datetime
import io
import itertools
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from attt.incidents.models import Incident
from attt.obligations.models import Evidence
from attt.reports import services, snapshot, sources, status
from attt.reports.models import PeriodicReport, ReportState, Timeliness
from attt.reports.periods import period_for
from attt.tenancy.roles import Role
from attt.testing import make_org, make_system, make_user

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_refs = itertools.count(1)


def local(*args):
    return datetime.datetime(*args, tzinfo=VN)


def case(org, when, incident_type="malware", **extra):
    extra.setdefault("status", "investigating")
    return Incident.objects.create(organisation=org, reference=f"R-{next(_refs)}", title="Alpha-Zq7 case",
                                   detected_at=when, reporter_name="Tester", incident_type=incident_type, **extra)


@pytest.fixture
def heads(world):
    world.head_a1 = make_user("head.a1", world.agency, Role.HEAD, first_name="Trần", last_name="Bình")
    world.head_a = make_user("head.a", world.ministry, Role.HEAD)
    world.head_b = make_user("head.b", world.province, Role.HEAD)
    return world


def submitted(world, org, kind, year, number=None, when=None, user=None):
    user = user or (world.head_a1 if org == world.agency else world.head_a)
    report = services.generate(user, org, kind, year, number, now=when)
    services.approve(user, report, now=when)
    return services.submit(user, report, now=when)


def test_generate_freezes_the_figures_and_the_documents(heads):
    w = heads
    case(w.agency, local(2026, 8, 3, 9), handling="self")
    report = services.generate(w.operator_a1, w.agency, "quarterly", 2026, 3, now=local(2026, 9, 25, 10))
    assert report.state == ReportState.DRAFT and report.version == 1
    assert report.snapshot["form05"]["totals"]["count"] == 1
    assert report.snapshot["organisation"]["code"] == "AG-A1"
    assert report.due_on == datetime.date(2026, 9, 20)
    document = docx.Document(io.BytesIO(report.docx.open("rb").read()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert w.agency.name_vi in text
    workbook = openpyxl.load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    assert workbook.sheetnames
    assert len(report.pdf_sha256) == 64 and report.pdf.open("rb").read(5) == b"%PDF-"
    again = services.generate(w.operator_a1, w.agency, "quarterly", 2026, 3, now=local(2026, 9, 25, 11))
    assert again.version == 2


def test_bad_input_stores_nothing(heads):
    w = heads
    for kind, year, number, field in (("weekly", 2026, None, "kind"), ("quarterly", 2026, 5, "period"),
                                      ("quarterly", "20x6", 1, "period"), ("annual", 1900, None, "period")):
        with pytest.raises(ValidationError) as error:
            services.generate(w.operator_a1, w.agency, kind, year, number)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError):
        services.generate(w.operator_a1, w.agency, "annual", 2026, language="fr")
    with pytest.raises(ValidationError) as error:
        services.generate(w.operator_a1, w.agency, "annual", 2026, consolidated=True)  # no children
    assert "consolidated" in error.value.message_dict
    assert not PeriodicReport.objects.exists()


def test_rights(heads):
    w = heads
    with pytest.raises(PermissionDenied):
        services.generate(w.officer_b, w.agency, "annual", 2026)
    with pytest.raises(PermissionDenied):
        services.generate(w.supervisor_a, w.agency, "annual", 2026)
    # The regulator prepares its own national report, never an organisation's.
    with pytest.raises(PermissionDenied):
        services.generate(w.regulator, w.agency, "annual", 2026)
    assert services.generate(w.regulator, w.root, "annual", 2026, consolidated=True).consolidated
    report = services.generate(w.operator_a1, w.agency, "annual", 2026)
    with pytest.raises(PermissionDenied):
        services.approve(w.operator_a1, report)  # only the head approves
    with pytest.raises(ValidationError):
        services.submit(w.operator_a1, report)  # not approved yet
    with pytest.raises(PermissionDenied):
        services.approve(w.head_b, report)


def test_approval_goes_into_the_documents_and_submission_freezes(heads, settings):
    w = heads
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w.ministry.email = "vanthu@min-a.gov.vn"
    w.ministry.save()
    case(w.agency, local(2026, 2, 3, 9), handling="domestic_help", helping_organisations="Công ty Alpha-Zq7")
    report = services.generate(w.operator_a1, w.agency, "form05_half", 2026, now=local(2026, 6, 10, 9))
    report = services.approve(w.head_a1, report, now=local(2026, 6, 11, 9))
    assert report.state == ReportState.APPROVED and report.approved_name == "Trần Bình"
    assert report.snapshot["approval"]["name"] == "Trần Bình"
    with pytest.raises(ValidationError):
        services.approve(w.head_a1, report)  # approved once
    signature = SimpleUploadedFile("report.p7s", b"0\x82\x01\x00signature")
    report = services.attach_signature(w.head_a1, report, signature)
    assert len(report.signature_sha256) == 64
    report = services.submit(w.operator_a1, report, now=local(2026, 6, 19, 23, 50))
    assert report.state == ReportState.SUBMITTED and report.recipient == w.ministry
    assert report.timeliness == Timeliness.ON_TIME
    assert report.mail_status == "sent" and report.message_id
    message = mail.outbox[-1]
    assert message.to == ["vanthu@min-a.gov.vn"]
    assert {name.rsplit(".", 1)[-1] for name, _c, _t in message.attachments} == {"pdf", "docx", "xlsx", "p7s"}
    # Evidence for the obligations engine.
    assert Evidence.objects.filter(kind="member_summary_report", organisation=w.agency,
                                   occurred_on=datetime.date(2026, 6, 19)).exists()
    # Frozen: later data changes do not alter it, and it cannot be approved, signed, submitted or discarded again.
    frozen = (report.snapshot_sha256, report.pdf_sha256, report.snapshot["form05"]["totals"]["count"])
    case(w.agency, local(2026, 3, 3, 9))
    with pytest.raises(ValidationError):
        services.submit(w.operator_a1, report)
    with pytest.raises(ValidationError):
        services.attach_signature(w.head_a1, report, SimpleUploadedFile("x.p7s", b"0\x82"))
    with pytest.raises(ValidationError):
        services.discard(w.operator_a1, report)
    report.refresh_from_db()
    assert (report.snapshot_sha256, report.pdf_sha256, report.snapshot["form05"]["totals"]["count"]) == frozen
    # A correction is a new version with the new figures.
    correction = services.generate(w.operator_a1, w.agency, "form05_half", 2026, now=local(2026, 6, 25, 9))
    assert correction.version == 2 and correction.snapshot["form05"]["totals"]["count"] == 2


def test_signature_files_are_checked(heads):
    w = heads
    report = services.approve(w.head_a1, services.generate(w.operator_a1, w.agency, "annual", 2026))
    for name, content in (("sig.exe", b"MZ"), ("sig.p7s", b"not der"), ("sig.asc", b"hello"), ("empty.p7s", b"")):
        with pytest.raises(ValidationError):
            services.attach_signature(w.head_a1, report, SimpleUploadedFile(name, content))
    report.refresh_from_db()
    assert not report.signature


def test_late_and_corrections_keep_the_first_verdict(heads):
    w = heads
    first = submitted(w, w.agency, "quarterly", 2026, 2, when=local(2026, 6, 21, 8))  # due 20/06
    assert first.timeliness == Timeliness.LATE
    second = submitted(w, w.agency, "quarterly", 2026, 2, when=local(2026, 6, 22, 8))
    assert second.version == 2
    result = status.submissions(w.ministry, "quarterly", period_for("quarterly", 2026, 2), datetime.date(2026, 7, 1))
    row = next(r for r in result.rows if r.organisation == w.agency)
    assert row.state == Timeliness.LATE and row.report == second


def test_status_on_time_missing_not_due(heads):
    w = heads
    w.agency2 = make_org("AG-A2", "agency", parent=w.ministry)
    submitted(w, w.agency, "annual", 2026, when=local(2026, 12, 19, 16))  # units: before 20/12
    period = period_for("annual", 2026)
    before = status.submissions(w.ministry, "annual", period, datetime.date(2026, 12, 19))
    assert {r.organisation.code: r.state for r in before.rows} == {"AG-A1": "on_time", "AG-A2": "not_due"}
    after = status.submissions(w.ministry, "annual", period, datetime.date(2026, 12, 20))
    assert {r.organisation.code: r.state for r in after.rows} == {"AG-A1": "on_time", "AG-A2": "missing"}
    assert after.counts == {"on_time": 1, "late": 0, "missing": 1, "not_due": 0}
    # A ministry reports to the regulator: its due date is the regulator's (before 25/12).
    root = status.submissions(w.root, "annual", period, datetime.date(2026, 12, 22))
    assert {r.organisation.code: (r.state, r.due) for r in root.rows} == {
        "MIN-A": ("not_due", datetime.date(2026, 12, 24)), "PRV-B": ("not_due", datetime.date(2026, 12, 24))}
    # Form 05 is owed by network members only.
    form05 = status.submissions(w.ministry, "form05_year", period_for("form05_year", 2026), datetime.date(2026, 12, 20))
    assert form05.rows == []


def test_consolidation_takes_submitted_reports_then_records(heads):
    w = heads
    w.agency2 = make_org("AG-A2", "agency", parent=w.ministry)
    make_system(w.agency2, "Hệ thống Beta")
    make_system(w.ministry, "Hệ thống của Bộ")
    case(w.agency, local(2026, 8, 1, 9), handling="self", estimated_damage_vnd=1_000_000)
    case(w.agency2, local(2026, 8, 2, 9), handling="foreign_help", estimated_damage_vnd=2_000_000)
    case(w.ministry, local(2026, 8, 3, 9), national_help_requested=True)
    now = local(2026, 9, 25, 9)
    agency_report = submitted(w, w.agency, "quarterly", 2026, 3, when=local(2026, 9, 18, 9))
    # A case recorded after the agency submitted is not in its report, so not in the consolidation.
    case(w.agency, local(2026, 8, 5, 9))
    report = services.generate(w.officer_a, w.ministry, "quarterly", 2026, 3, consolidated=True, now=now)
    table = report.snapshot["consolidation"]
    rows = {row["organisation"]["code"]: row for row in table["rows"]}
    assert [row["scope"] for row in table["rows"]] == ["own", "subtree", "subtree"]
    assert rows["AG-A1"]["source"] == "report" and rows["AG-A1"]["report_id"] == agency_report.pk
    assert rows["AG-A1"]["timeliness"] == "on_time" and rows["AG-A1"]["values"]["incidents"] == 1
    assert rows["AG-A2"]["source"] == "records" and rows["AG-A2"]["timeliness"] == "missing"
    assert rows["AG-A2"]["values"]["incidents"] == 1 and rows["AG-A2"]["values"]["systems"] == 1
    assert rows["MIN-A"]["values"]["incidents"] == 1 and rows["MIN-A"]["values"]["systems"] == 1
    assert table["totals"]["incidents"] == 3
    assert table["totals"]["systems"] == sum(row["values"]["systems"] for row in table["rows"])
    # Traceability: the report row points at the submitted report; a records row at its cases.
    index = [row["organisation"]["code"] for row in table["rows"]].index("AG-A1")
    assert sources.trace(report.snapshot, f"consolidation:{index}:incidents").ids == [agency_report.pk]
    index2 = [row["organisation"]["code"] for row in table["rows"]].index("AG-A2")
    traced = sources.trace(report.snapshot, f"consolidation:{index2}:incidents")
    assert traced.record_type == "incident" and len(traced.ids) == 1
    # The ministry submits its consolidation; the regulator consolidates the country from it.
    services.approve(w.head_a, report)
    services.submit(w.officer_a, report, now=local(2026, 9, 26, 9))
    national = services.generate(w.regulator, w.root, "quarterly", 2026, 3, consolidated=True, now=now)
    by_code = {row["organisation"]["code"]: row for row in national.snapshot["consolidation"]["rows"]}
    assert by_code["MIN-A"]["source"] == "report" and by_code["MIN-A"]["values"]["incidents"] == 3
    assert by_code["MIN-A"]["timeliness"] == "late"  # quarterly due 20/09
    assert by_code["PRV-B"]["source"] == "records"


def test_values_of_a_plain_report_match_the_live_figures(heads):
    w = heads
    make_system(w.agency, "Hệ thống Gamma")
    case(w.agency, local(2026, 1, 5, 9), handling="self")
    period = period_for("form05_year", 2026)
    now = local(2026, 12, 1, 9)
    report = services.generate(w.operator_a1, w.agency, "form05_year", 2026, now=now)
    assert snapshot.values_of("form05_year", report.snapshot) == snapshot.live_values(
        "form05_year", w.agency, period, now=now)[0]
    annual = services.generate(w.operator_a1, w.agency, "annual", 2026, now=now)
    assert snapshot.values_of("annual", annual.snapshot) == snapshot.live_values(
        "annual", w.agency, period_for("annual", 2026), now=now)[0]
    assert annual.snapshot["annual"]["totals"]["systems"] == 2  # system_a and Gamma


def test_root_cannot_submit_and_discard_removes_drafts(heads):
    w = heads
    report = services.generate(w.regulator, w.root, "annual", 2026, consolidated=True)
    services.approve(w.regulator, report)
    with pytest.raises(ValidationError):
        services.submit(w.regulator, report)
    draft = services.generate(w.operator_a1, w.agency, "annual", 2026)
    services.discard(w.operator_a1, draft)
    assert not PeriodicReport.objects.filter(pk=draft.pk).exists()


def test_a_submitted_annual_report_meets_the_decree_331_duty(heads):
    from attt.obligations import recompute
    from attt.obligations.models import DutyStatus

    w = heads
    make_system(w.ministry, "Cổng dịch vụ công Bộ A")
    day = datetime.date(2026, 12, 21)
    recompute.recompute_all(on=day)
    before = DutyStatus.objects.get(duty_id="N331-7", organisation=w.ministry, system=None)
    assert before.status != "met"
    submitted(w, w.ministry, "annual", 2026, when=local(2026, 12, 20, 9))
    recompute.recompute_all(on=day)
    after = DutyStatus.objects.get(duty_id="N331-7", organisation=w.ministry, system=None)
    assert after.status == "met"
