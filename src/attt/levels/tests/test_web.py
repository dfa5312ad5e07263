"""The levels pages and API: wizard, dossier steps, checklist, regulations, approval share."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attt.levels import services
from attt.levels.models import Dossier, DossierState, RequirementAnswer, SecurityRegulation

from .conftest import ANSWERS_L3, approved, drafted, pdf, regulate

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def wizard(**overrides):
    data = {"system_type": "online_service", "information_classes": ["personal"],
            "state_secret_harm": "none", "public_service_level": "none",
            "data_subjects_basic": "150000", "data_subjects_sensitive": "0",
            "infrastructure_scope": "none", "industrial_control_grade": "none",
            "prime_minister_level": "0", "risk_framework_level": "0",
            "classified_on": "2026-11-23"}
    data.update(overrides)
    return data


def test_wizard_is_prefilled_and_previews_with_htmx(levels_world, login):
    client = login(levels_world.officer_a)
    url = f"/levels/systems/{levels_world.system_a.pk}/classify/"
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert 'value="online_service" selected' in page.content.decode()
    preview = client.post(url, wizard(), HTTP_HX_REQUEST="true", **EN)
    text = preview.content.decode()
    assert 'id="proposed-level">3<' in text and "Nghị định 331/2026/NĐ-CP, Điều 13" in text
    assert not levels_world.system_a.classifications.exists()  # a preview stores nothing


def test_wizard_save_goes_to_the_dossier(levels_world, login):
    client = login(levels_world.officer_a)
    response = client.post(f"/levels/systems/{levels_world.system_a.pk}/classify/",
                           {**wizard(), "save": "1"}, **EN)
    dossier = levels_world.system_a.dossiers.get()
    assert response.status_code == 302 and response["Location"] == f"/levels/dossiers/{dossier.pk}/"
    assert dossier.level == 3


def test_wizard_refuses_bad_input_clearly(levels_world, login):
    client = login(levels_world.officer_a)
    response = client.post(f"/levels/systems/{levels_world.system_a.pk}/classify/",
                           {**wizard(data_subjects_basic="-5"), "save": "1"}, **EN)
    assert response.status_code == 200 and "greater than or equal to 0" in response.content.decode()
    assert not levels_world.system_a.classifications.exists()


def test_read_only_roles_cannot_open_the_wizard(levels_world, login):
    for user in (levels_world.supervisor_a, levels_world.auditor_a, levels_world.regulator):
        assert login(user).get(f"/levels/systems/{levels_world.system_a.pk}/classify/").status_code == 403


def test_dossier_steps_through_the_web(levels_world, login, client):
    w = levels_world
    dossier = drafted(w)
    client.force_login(w.officer_a)
    page = client.get(f"/levels/dossiers/{dossier.pk}/", **EN).content.decode()
    assert "Submit for appraisal" in page and "Nghị định 331" in page
    client.post(f"/levels/dossiers/{dossier.pk}/submit/", **EN)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED
    page = client.get(f"/levels/dossiers/{dossier.pk}/", **EN).content.decode()
    assert "15 working days" in page and "due" in page
    # The head tries to appraise: refused with who must act instead.
    client.force_login(w.head_a)
    response = client.post(f"/levels/dossiers/{dossier.pk}/appraise/", {"opinion": "ok"},
                           follow=True, **EN)
    assert "Only the specialised security unit (Tổ chức MIN-A) may appraise" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED
    client.force_login(w.officer_a)
    client.post(f"/levels/dossiers/{dossier.pk}/appraise/", {"opinion": "Phù hợp."}, **EN)
    regulate(w.officer_a, w.ministry)
    client.force_login(w.head_a)
    response = client.post(f"/levels/dossiers/{dossier.pk}/approve/", {
        "number": "45/QĐ-BT", "decided_on": "2026-11-23", "issuer": "Bộ trưởng",
        "signed_file": pdf("qd.pdf")}, **EN)
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.APPROVED
    assert client.get(f"/levels/dossiers/{dossier.pk}/decision/").status_code == 200
    page = client.get(f"/levels/dossiers/{dossier.pk}/", **EN).content.decode()
    assert f"/levels/dossiers/{dossier.pk}/documents/form-06.pdf" in page
    decision = client.get(f"/levels/dossiers/{dossier.pk}/documents/form-06.docx")
    assert decision.status_code == 200 and decision.content[:2] == b"PK"
    assert client.get(f"/levels/dossiers/{dossier.pk}/documents/form-03.pdf").status_code == 404  # L3


def test_attachment_type_and_content_are_checked(levels_world, login):
    w = levels_world
    services.classify_system(w.officer_a, w.system_a, ANSWERS_L3)
    dossier = w.system_a.dossiers.get()
    client = login(w.officer_a)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/levels/dossiers/{dossier.pk}/attachments/",
                           {"part": "overview", "file": fake}, follow=True, **EN)
    assert "not a .pdf document" in response.content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(f"/levels/dossiers/{dossier.pk}/attachments/",
                           {"part": "overview", "file": exe}, follow=True, **EN)
    assert "are not accepted" in response.content.decode()
    assert not dossier.attachments.exists()
    client.post(f"/levels/dossiers/{dossier.pk}/attachments/",
                {"part": "overview", "file": pdf("overview.pdf")}, **EN)
    attachment = dossier.attachments.get()
    assert len(attachment.sha256) == 64
    assert client.get(f"/levels/attachments/{attachment.pk}/").status_code == 200


def test_upload_size_limit(levels_world, settings):
    settings.ATTT_MAX_UPLOAD_MB = 1
    w = levels_world
    services.classify_system(w.officer_a, w.system_a, ANSWERS_L3)
    dossier = w.system_a.dossiers.get()
    with pytest.raises(Exception, match="larger than the 1 MB limit"):
        services.add_attachment(w.officer_a, dossier, "overview", pdf("big.pdf", b"x" * 1_100_000))


def test_checklist_answers_and_deployment(levels_world, login):
    w = levels_world
    approved(w)
    client = login(w.officer_a)
    url = f"/levels/systems/{w.system_a.pk}/checklist/"
    page = client.get(url, **EN).content.decode()
    assert 'id="deployment">None<' in page.replace("\n", "")
    requirement = page.split('name="requirement" value="')[1].split('"')[0]
    response = client.post(url, {"requirement": requirement, "status": "not_met"}, follow=True, **EN)
    assert "needs a remediation plan" in response.content.decode()
    client.post(url, {"requirement": requirement, "status": "met", "evidence": pdf("firewall.pdf")}, **EN)
    answer = RequirementAnswer.objects.get(system=w.system_a, requirement=requirement)
    assert answer.status == "met" and answer.evidence.count() == 1
    assert 'id="deployment">Partial<' in client.get(url, **EN).content.decode()


def test_regulation_page_records_one(levels_world, login):
    client = login(levels_world.officer_a)
    response = client.post("/levels/regulations/", {
        "organisation": "MIN-A", "title": "Quy chế ATTT", "decision_number": "7/QĐ",
        "decided_on": "2026-02-01", "file": pdf("qc.pdf")}, **EN)
    assert response.status_code == 302
    assert SecurityRegulation.objects.get().organisation == levels_world.ministry


def test_overview_shows_the_share_and_the_missing_list(levels_world, login):
    w = levels_world
    client = login(w.regulator)
    page = client.get("/levels/", **EN).content.decode()
    assert 'id="approved-share">0.0 %' in page
    approved(w)
    page = client.get("/levels/", **EN).content.decode()
    assert 'id="approved-share">50.0 %' in page and "Beta-Kx3" in page
    csv_text = client.get("/levels/missing.csv").content.decode("utf-8-sig")
    assert "Beta-Kx3" in csv_text and "Alpha-Zq7" not in csv_text


# --- API -------------------------------------------------------------------------------------

def test_api_classify_submit_appraise_approve(levels_world, client):
    w = levels_world
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(w.officer_a)
    preview = client.post("/api/classifications/preview/", {"system": w.system_a.pk, "answers": ANSWERS_L3},
                          content_type="application/json")
    assert preview.json()["level"] == 3
    created = client.post("/api/classifications/", {"system": w.system_a.pk, "answers": ANSWERS_L3},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["proposed_level"] == 3
    dossier = client.get(f"/api/dossiers/?system={w.system_a.pk}").json()["results"][0]
    for part in ("overview", "design", "level_explanation", "security_plan"):
        response = client.post(f"/api/dossiers/{dossier['id']}/attachments/", {"part": part, "file": pdf()})
        assert response.status_code == 201, response.content
    submitted = client.post(f"/api/dossiers/{dossier['id']}/submit/").json()
    assert submitted["state"] == "submitted" and submitted["clocks"][1]["days"] == 15
    assert submitted["next_step"] == {"step": "appraise", "by": "specialised_unit",
                                      "citation": submitted["next_step"]["citation"], "organisation": "MIN-A"}
    client.force_login(w.head_a)
    refused = client.post(f"/api/dossiers/{dossier['id']}/appraise/", {"opinion": "x"},
                          content_type="application/json")
    assert refused.status_code == 403 and "specialised security unit" in refused.json()["detail"]
    client.force_login(w.officer_a)
    client.post(f"/api/dossiers/{dossier['id']}/appraise/", {"opinion": "ok"}, content_type="application/json")
    client.force_login(w.head_a)
    blocked = client.post(f"/api/dossiers/{dossier['id']}/approve/", {
        "number": "1/QĐ", "decided_on": "2026-11-20", "issuer": "Bộ trưởng", "signed_file": pdf()})
    assert blocked.status_code == 400 and "security regulation" in str(blocked.json())
    regulate(w.officer_a, w.ministry)
    done = client.post(f"/api/dossiers/{dossier['id']}/approve/", {
        "number": "1/QĐ", "decided_on": "2026-11-20", "issuer": "Bộ trưởng", "signed_file": pdf()})
    assert done.status_code == 200 and done.json()["decision"]["number"] == "1/QĐ"
    share = {row["organisation"]: row for row in client.get("/api/level-approval/").json()}
    assert share["MIN-A"]["share"] == 100.0


def test_api_bad_answers_are_a_clear_400(levels_world, client):
    client.force_login(levels_world.officer_a)
    response = client.post("/api/classifications/", {"system": levels_world.system_a.pk,
                                                     "answers": {"system_type": "spaceship",
                                                                 "information_classes": ["public"]}},
                           content_type="application/json")
    assert response.status_code == 400 and "system_type" in str(response.json())


def test_api_checklist(levels_world, client):
    w = levels_world
    approved(w)
    client.force_login(w.officer_a)
    data = client.get(f"/api/checklists/{w.system_a.pk}/").json()
    assert data["level"] == 3 and data["deployment"] == "none" and data["items"]
    first = data["items"][0]["requirement"]
    answer = client.post(f"/api/checklists/{w.system_a.pk}/answer/", {
        "requirement": first, "status": "not_applicable", "reason": "Không dùng Wi-Fi"},
        content_type="application/json").json()
    assert answer["counts"]["not_applicable"] == 1


def test_text_attachments_must_be_utf8(levels_world):
    from django.core.exceptions import ValidationError

    w = levels_world
    services.classify_system(w.officer_a, w.system_a, ANSWERS_L3)
    dossier = w.system_a.dossiers.get()
    note = SimpleUploadedFile("ghi-chu.txt", "Sơ đồ mạng nội bộ".encode(), content_type="text/plain")
    assert services.add_attachment(w.officer_a, dossier, "overview", note).size > 0
    binary = SimpleUploadedFile("x.txt", b"abc\xff\xfe", content_type="text/plain")
    with pytest.raises(ValidationError, match="not UTF-8 text"):
        services.add_attachment(w.officer_a, dossier, "overview", binary)
    assert dossier.attachments.count() == 1
