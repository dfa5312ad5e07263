"""The response team: members and certificates, the five-expert rule (CT 18 mục 4), roster
confirmation (response_team evidence), the 24/7 focal point history (focal_point_changed event),
the roster import (CSV, XLSX, all or nothing; CLI), and the web and API pages."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from typer.testing import CliRunner

from attt.inventory.spreadsheet import SpreadsheetRejected
from attt.obligations.models import Evidence, SubjectEvent
from attt.readiness import rules, services_team
from attt.readiness.models import Certificate, FocalPoint, TeamConfirmation, TeamMember
from attt.tenancy.models import AuditEntry

DAY = datetime.date(2026, 6, 1)
FUTURE = datetime.date(2030, 1, 1)
PAST = datetime.date(2025, 1, 1)


def member(world, name, membership="internal", certificates=((("CEH", FUTURE)),), org=None, **extra):
    data = {"full_name": name, "membership": membership, "role": "member", **extra}
    if membership == "outsourced":
        data.setdefault("provider_name", "Công ty An ninh mạng X")
    return services_team.save_member(world.officer_a, org or world.agency, data, certificates=[
        {"name": cert, "issuer": "EC-Council", "number": f"N-{name}", "expires_on": expiry}
        for cert, expiry in certificates])


def test_the_rule_is_catalogue_data_with_its_article():
    rule = rules.team_rules().rule_on(DAY)
    assert (rule.minimum_experts, rule.article, rule.duty) == (5, "Chỉ thị 18/CT-TTg mục 4", "D18-4")
    assert rules.team_rules().rule_on(datetime.date(2022, 10, 12)) is None  # before the directive


def test_expired_certificates_and_ended_contracts_do_not_count_outsourced_ones_do(world):
    for name in ("An", "Bình", "Cường"):
        member(world, name)
    member(world, "Dũng", "outsourced", contract_end=datetime.date(2027, 12, 31))  # running: counts
    expired = member(world, "Em", certificates=(("CISSP", PAST),))
    member(world, "Phúc", "outsourced", contract_end=datetime.date(2026, 3, 31))  # ended
    member(world, "Giang", certificates=())
    check = services_team.check_team(world.agency, DAY)
    assert (check.counted, check.minimum, check.shortfall, check.meets) == (4, 5, 1, False)
    reasons = {row.member.full_name: row.reasons for row in check.not_counting}
    assert reasons["Em"] == ["no certificate valid on 01/06/2026 (all expired)"]
    assert reasons["Phúc"] == ["contract ended on 31/03/2026"]
    assert reasons["Giang"] == ["no certificate recorded"]
    services_team.add_certificate(world.officer_a, expired, {"name": "Bằng kỹ sư ATTT", "expires_on": ""})
    check = services_team.check_team(world.agency, DAY)
    assert (check.counted, check.shortfall, check.meets) == (5, 0, True)  # no expiry date: valid


def test_contract_ending_on_the_day_still_counts(world):
    member(world, "Hà", "outsourced", contract_end=DAY)
    assert services_team.check_team(world.agency, DAY).counted == 1
    assert services_team.check_team(world.agency, DAY + datetime.timedelta(days=1)).counted == 0


def test_bad_member_input_is_refused_and_nothing_stored(world):
    with pytest.raises(ValidationError) as error:
        services_team.save_member(world.officer_a, world.agency, {
            "full_name": "Khoa", "membership": "outsourced", "contract_end": "31/13/2026", "role": "boss",
            "email": "not-an-address", "username": "ghost"}, certificates=[{"name": "OSCP"}])
    assert set(error.value.message_dict) == {"provider_name", "contract_end", "role", "email", "username"}
    with pytest.raises(ValidationError):
        services_team.save_member(world.officer_a, world.agency, {"full_name": "Khoa"},
                                  certificates=[{"name": "", "expires_on": "x"}])
    assert not TeamMember.objects.exists() and not Certificate.objects.exists()
    member(world, "Lan")
    with pytest.raises(ValidationError, match="already in this team"):
        member(world, "lan")


def test_a_member_can_be_an_attt_user(world):
    row = services_team.save_member(world.officer_a, world.agency, {"username": "operator.a1", "role": "lead"})
    assert row.user == world.operator_a1 and row.full_name == "operator.a1" and row.role == "lead"


def test_rights_are_checked_before_anything(world):
    for user, org in ((world.supervisor_a, world.agency), (world.officer_b, world.agency), (world.officer_a, world.unit)):
        with pytest.raises(PermissionDenied):
            services_team.save_member(user, org, {"full_name": "X"})
        with pytest.raises(PermissionDenied):
            services_team.change_focal_point(user, org, {"name": "X", "phone": "1", "email": "x@x.vn"})
        with pytest.raises(PermissionDenied):
            services_team.confirm_roster(user, org)
    assert not TeamMember.objects.exists() and not FocalPoint.objects.exists()


def test_confirming_a_roster_that_meets_the_rule_records_response_team_evidence(world):
    for name in ("An", "Bình", "Cường", "Dũng"):
        member(world, name)
    short = services_team.confirm_roster(world.officer_a, world.agency, "QĐ 12", day=DAY)
    assert not short.meets_rule and short.counted == 4
    assert not Evidence.objects.filter(kind="response_team").exists()
    member(world, "Em", "outsourced")
    confirmation = services_team.confirm_roster(world.officer_a, world.agency, "QĐ 13", day=DAY)
    assert confirmation.meets_rule and confirmation.roster[4]["membership"] == "outsourced"
    row = Evidence.objects.get(kind="response_team")
    assert (row.organisation, row.system, row.occurred_on, row.note) == (world.agency, None, DAY, "QĐ 13")
    with pytest.raises(ValidationError, match="no member"):
        services_team.confirm_roster(world.officer_a, world.ministry)


def test_focal_point_change_keeps_history_and_records_the_event(world):
    first = services_team.change_focal_point(world.officer_a, world.agency, {
        "name": "Nguyễn Văn A", "phone": "0901 000 111", "email": "a@a1.gov.vn"})
    lead = member(world, "Trần Thị B", phone="0902 222 333", email="b@a1.gov.vn")
    second = services_team.change_focal_point(world.operator_a1, world.agency, {"member": str(lead.pk)})
    first.refresh_from_db()
    assert first.valid_to == second.valid_from and second.valid_to is None
    assert (second.name, second.phone, second.email, second.changed_by) == (
        "Trần Thị B", "0902 222 333", "b@a1.gov.vn", world.operator_a1)
    assert services_team.current_focal_point(world.agency) == second
    assert list(FocalPoint.objects.filter(organisation=world.agency)) == [second, first]
    events = SubjectEvent.objects.filter(kind="focal_point_changed", organisation=world.agency)
    assert events.count() == 2 and "0902 222 333" in events.order_by("-id").first().description
    with pytest.raises(ValidationError, match="nothing changed"):
        services_team.change_focal_point(world.officer_a, world.agency, {"member": str(lead.pk)})
    with pytest.raises(ValidationError) as error:
        services_team.change_focal_point(world.officer_a, world.agency, {"name": "X", "email": "bad"})
    assert set(error.value.message_dict) == {"phone", "email"}
    assert FocalPoint.objects.count() == 2 and events.count() == 2
    assert AuditEntry.objects.filter(object_type="readiness.focalpoint").count() >= 3  # 2 created, 1 ended


# --- import ----------------------------------------------------------------------------------

GOOD_CSV = (
    "name,username,internal/outsourced,provider,contract end,role,skills,certificate name,issuer,number,expiry\n"
    "Nguyễn An,,internal,,,lead,forensics; malware,CEH,EC-Council,ECC1,31/12/2030\n"
    "Nguyễn An,,,,,,,CISSP,ISC2,C-9,2031-06-30\n"
    "Lê Bình,operator.a1,outsourced,Công ty X,31/12/2027,technical_expert,network,OSCP,OffSec,O-1,\n"
)


def test_import_good_csv(world):
    assert services_team.import_roster(world.officer_a, world.agency, "team.csv", GOOD_CSV.encode()) == 2
    an = TeamMember.objects.get(full_name="Nguyễn An")
    assert (an.role, an.skills, an.certificates.count()) == ("lead", ["forensics", "malware"], 2)
    binh = TeamMember.objects.get(full_name="Lê Bình")
    assert (binh.user, binh.provider_name, binh.contract_end) == (world.operator_a1, "Công ty X",
                                                                 datetime.date(2027, 12, 31))
    assert binh.certificates.get().expires_on is None


def test_a_bad_file_stores_nothing_and_lists_every_problem(world):
    bad = (
        "name,internal/outsourced,provider,contract end,role,certificate name,expiry\n"
        "Nguyễn An,internal,,,lead,CEH,31/12/2030\n"
        ",internal,,,member,OSCP,2030-01-01\n"
        "Lê Bình,outsourced,,someday,chief,CISSP,tomorrow\n"
        "Nguyễn An,outsourced,,,,OSCP,\n"
    )
    with pytest.raises(SpreadsheetRejected) as error:
        services_team.import_roster(world.officer_a, world.agency, "team.csv", bad.encode())
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == {(3, "name"), (4, "provider"), (4, "contract end"), (4, "role"), (4, "expiry"),
                     (5, "internal/outsourced")}
    assert not TeamMember.objects.exists() and not Certificate.objects.exists()
    with pytest.raises(SpreadsheetRejected) as error:
        services_team.import_roster(world.officer_a, world.agency, "team.csv", b"nom,x\nA,b\n")
    assert {p.column for p in error.value.problems} == {"nom", "x", "name"}


def test_import_needs_the_right(world):
    with pytest.raises(PermissionDenied):
        services_team.import_roster(world.supervisor_a, world.agency, "team.csv", GOOD_CSV.encode())


def xlsx_roster(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Nội bộ/Thuê ngoài", "Vai trò", "Kỹ năng", "Chứng chỉ", "Ngày hết hạn chứng chỉ"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_xlsx_with_vietnamese_headers(world):
    content = xlsx_roster([["Phạm Cường", "nội bộ", "trưởng nhóm", "SOC;IR", "CEH", datetime.datetime(2030, 5, 1)],
                           ["Võ Dung", "nội bộ", "thành viên", "", "", None]])
    assert services_team.import_roster(world.officer_a, world.agency, "team.xlsx", content) == 2
    cuong = TeamMember.objects.get(full_name="Phạm Cường")
    assert (cuong.role, cuong.skills) == ("lead", ["SOC", "IR"])
    assert cuong.certificates.get().expires_on == datetime.date(2030, 5, 1)
    assert not TeamMember.objects.get(full_name="Võ Dung").certificates.exists()


def test_cli_team_import(world, tmp_path):
    from attt.cli.main import app

    good, bad = tmp_path / "team.csv", tmp_path / "bad.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    bad.write_text("name,role\nX,chief\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["team", "import", str(bad), "--org", "AG-A1", "--user", "officer.a"])
    assert result.exit_code == 1 and "nothing was stored" in result.output and not TeamMember.objects.exists()
    result = runner.invoke(app, ["team", "import", str(good), "--org", "AG-A1", "--user", "supervisor.a"])
    assert result.exit_code == 2 and not TeamMember.objects.exists()
    result = runner.invoke(app, ["team", "import", str(good), "--org", "ag-a1", "--user", "officer.a"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 team members into AG-A1" in result.output and TeamMember.objects.count() == 2


# --- web and API -----------------------------------------------------------------------------

def test_team_page_shows_the_rule_with_its_article(world, login):
    member(world, "Nguyễn An")
    member(world, "Em Hết Hạn", certificates=(("CISSP", PAST),))
    page = login(world.supervisor_a).get("/readiness/team/AG-A1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chỉ thị 18/CT-TTg mục 4" in page and "1 of at least 5 experts count" in page
    assert "Em Hết Hạn: no certificate valid on" in page and "Confirm the roster" not in page
    page = login(world.officer_a).get("/readiness/team/AG-A1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Confirm the roster" in page
    assert login(world.officer_b).get("/readiness/team/AG-A1/").status_code == 404


def test_member_focal_point_and_confirm_through_the_web(world, login):
    client = login(world.officer_a)
    response = client.post("/readiness/team/AG-A1/members/new/", {
        "full_name": "Nguyễn An", "membership": "internal", "role": "lead", "skills": "IR; SOC",
        "cert_name": "CEH", "cert_expires_on": "2030-01-01"})
    assert response.status_code == 302
    row = TeamMember.objects.get()
    assert row.certificates.get().name == "CEH"
    bad = client.post("/readiness/team/AG-A1/members/new/", {"full_name": "", "membership": "outsourced"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "provider organisation" in bad.content.decode()
    assert client.post(f"/readiness/members/{row.pk}/certificates/", {"name": "OSCP"}).status_code == 302
    assert row.certificates.count() == 2
    response = client.post("/readiness/team/AG-A1/focal-point/", {"member": row.pk, "phone": "0901", "email": "an@a.vn"})
    assert response.status_code == 302 and FocalPoint.objects.get().name == "Nguyễn An"
    history = client.get("/readiness/team/AG-A1/focal-point/").content.decode()
    assert "0901" in history and "officer.a" in history
    assert client.post("/readiness/team/AG-A1/confirm/", {"decision": "QĐ 1"}).status_code == 302
    assert TeamConfirmation.objects.get().counted == 1
    assert login(world.supervisor_a).get(f"/readiness/members/{row.pk}/").status_code == 403


def test_overview_honours_the_switcher_and_links_plans_only_if_they_exist(world, login):
    member(world, "Nguyễn An")
    services_team.change_focal_point(world.officer_a, world.agency, {"name": "Trực 24/7", "phone": "0909",
                                                                      "email": "t@a.vn"})
    client = login(world.officer_a)
    page = client.get("/readiness/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "AG-A1" in page and "MIN-A" in page and "Trực 24/7" in page and "1 / 5" in page
    from django.urls import NoReverseMatch, reverse
    try:
        plans = reverse("readiness-plan-list")
    except NoReverseMatch:
        plans = None
    assert (plans is not None) == (plans is not None and f'href="{plans}"' in page)
    client.post("/switch-organisation/", {"organisation": "AG-A1"})
    table = client.get("/readiness/").content.decode().split('id="readiness-overview"')[1]
    assert "AG-A1" in table and "MIN-A" not in table


def test_api_members_rule_confirm_and_focal_points(world, login):
    client = login(world.officer_a)
    response = client.post("/api/readiness/team-members/", {
        "organisation": "AG-A1", "full_name": "Nguyễn An", "membership": "outsourced", "provider_name": "X",
        "skills": ["IR"], "certificates": [{"name": "CEH", "expires_on": "2030-01-01"}]}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["certificates"][0]["name"] == "CEH"
    bad = client.post("/api/readiness/team-members/", {"organisation": "AG-A1", "membership": "outsourced"},
                      content_type="application/json")
    assert bad.status_code == 400 and "provider_name" in bad.json()
    assert client.patch(f"/api/readiness/team-members/{pk}/", {"role": "lead"},
                        content_type="application/json").json()["role"] == "lead"
    rule = client.get("/api/readiness/team-members/rule/?organisation=AG-A1").json()
    assert (rule["counted"], rule["shortfall"], rule["article"]) == (1, 4, "Chỉ thị 18/CT-TTg mục 4")
    assert client.post("/api/readiness/team-members/confirm/", {"organisation": "AG-A1"},
                       content_type="application/json").json()["meets_rule"] is False
    point = client.post("/api/readiness/focal-points/", {"organisation": "AG-A1", "member": pk, "phone": "0901",
                                                         "email": "an@a.vn"}, content_type="application/json")
    assert point.status_code == 201 and point.json()["current"] is True
    assert SubjectEvent.objects.filter(kind="focal_point_changed").count() == 1
    supervisor = login(world.supervisor_a)
    assert supervisor.get("/api/readiness/focal-points/?current=1").json()["results"][0]["name"] == "Nguyễn An"
    assert supervisor.delete(f"/api/readiness/team-members/{pk}/").status_code == 403
    assert login(world.officer_b).get(f"/api/readiness/team-members/{pk}/").status_code == 404
    assert login(world.officer_a).delete(f"/api/readiness/team-members/{pk}/").status_code == 204
