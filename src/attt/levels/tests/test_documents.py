"""The legal documents of a level dossier: every offered document renders as DOCX and PDF, in
Vietnamese, with the system's data; forms are offered only where they apply."""

import io
import re

import pytest
from docx import Document

from attt.inventory.models import InformationSystem
from attt.levels import documents
from attt.levels.models import Dossier
from attt.tenancy.models import Organisation

from .conftest import ANSWERS_L2, ANSWERS_L3, ANSWERS_L4, approved, drafted

pytestmark = pytest.mark.django_db


def docx_text(content):
    """All text of a DOCX: body paragraphs and every table cell, nested tables included."""
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]

    def walk(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    walk(cell.tables)

    walk(doc.tables)
    return "\n".join(parts)


def names(dossier):
    return [name for name, _label in documents.available(dossier)]


@pytest.fixture
def contacts(levels_world):
    """Addresses and heads on the owner and operator, with characters XML must escape."""
    Organisation.objects.filter(pk=levels_world.agency.pk).update(
        address="Số 1 Phố Tràng Tiền & Hoàn Kiếm, Hà Nội", phone="024 3825 0000",
        email="vanthu@a1.gov.vn", head_name="Nguyễn Văn Ấn")
    InformationSystem.objects.filter(pk=levels_world.system_a.pk).update(
        description="Cổng dịch vụ công <trực tuyến>\nPhục vụ người dân.")
    levels_world.system_a.refresh_from_db()
    return levels_world


def expected_title(name):
    if name == "dossier":
        return "HỒ SƠ ĐỀ XUẤT CẤP ĐỘ"
    return {"form-01": "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
            "form-02": "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ",
            "form-03": "V/v cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ",
            "form-04": "V/v ý kiến thẩm định hồ sơ đề xuất cấp độ",
            "form-05": "TỜ TRÌNH",
            "form-06": "Về việc phê duyệt cấp độ hệ thống thông tin"}[name]


@pytest.mark.parametrize("answers", [ANSWERS_L2, ANSWERS_L3, ANSWERS_L4],
                         ids=["level-2", "level-3", "level-4"])
def test_every_offered_document_renders_in_both_formats(contacts, answers):
    world = contacts
    dossier = approved(world, answers)
    system, owner = dossier.system, dossier.system.owner
    offered = names(dossier)
    assert offered[0] == "dossier" and len(offered) > 1
    for name in offered:
        content, filename, content_type = documents.render(dossier, name, "docx")
        assert content[:4] == b"PK\x03\x04", name
        assert content_type.endswith("wordprocessingml.document")
        assert re.fullmatch(r"[a-z0-9-]+-\d+-v\d+\.docx", filename), filename
        text = docx_text(content)
        assert system.name in text, name
        assert owner.name_vi in text, name
        assert f"Cấp độ {dossier.level}" in text, name
        assert expected_title(name) in text, name
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, name
        assert "Độc lập - Tự do - Hạnh phúc" in text, name
        assert "{{" not in text and "{%" not in text, name

        content, filename, content_type = documents.render(dossier, name, "pdf")
        assert content.startswith(b"%PDF"), name
        assert content_type == "application/pdf" and filename.endswith(".pdf")
        # No pdftotext or pypdf here: check the HTML WeasyPrint is given.
        html = documents.html(dossier, name)
        assert system.name in html and owner.name_vi in html, name
        assert f"Cấp độ {dossier.level}" in html, name


def test_dossier_document_explains_level_plan_and_parts(contacts):
    dossier = drafted(contacts, ANSWERS_L3)
    text = docx_text(documents.render(dossier, "dossier", "docx")[0])
    assert "Hồ sơ đề xuất cấp độ".upper() in text
    # Overview: operator contacts (escaped characters survive), hosts, networks, domains.
    for value in ("Số 1 Phố Tràng Tiền & Hoàn Kiếm, Hà Nội", "024 3825 0000", "vanthu@a1.gov.vn",
                  "Nguyễn Văn Ấn", "Cổng dịch vụ công <trực tuyến>", "10.1.0.0/24",
                  "alpha.a1.gov.vn", "alpha01", "150.000"):
        assert value in text, value
    # Level: each criterion met with its article, and the highest-wins rule.
    assert "Nghị định 331/2026/NĐ-CP, Điều 8 khoản 2" in text
    assert "áp dụng cấp độ cao nhất" in text
    for fired in dossier.classification.fired:
        assert fired["citation"] in text
    # Security plan and appendix: requirements with their TCVN clause.
    assert "THUYẾT MINH PHƯƠNG ÁN BẢO ĐẢM AN NINH MẠNG" in text
    assert "PHỤ LỤC" in text and "mục 7.1.1" in text and "Chưa đánh giá" in text
    # Attached parts with their SHA-256.
    for attachment in dossier.attachments.all():
        assert attachment.sha256 in text
    assert documents.context(dossier)["generated_on"].count("/") == 2


def test_form_06_carries_the_decision_after_approval(levels_world):
    dossier = drafted(levels_world, ANSWERS_L3)
    before = docx_text(documents.render(dossier, "form-06", "docx")[0])
    assert "45/QĐ-BTEST" not in before and "Số: ......" in before
    dossier = approved_again(levels_world, dossier)
    text = docx_text(documents.render(dossier, "form-06", "docx")[0])
    assert "Số: 45/QĐ-BTEST" in text
    assert "BỘ TRƯỞNG" in text
    assert "45/QĐ-BTEST" in documents.html(dossier, "form-06")
    assert documents.context(dossier)["decision"]["date"] == "23/11/2026"


def approved_again(world, dossier):
    """Drive an already drafted dossier to approval (``approved`` starts from scratch)."""
    from attt.levels import services

    from .conftest import TODAY, pdf, regulate

    services.submit(world.officer_a, dossier, TODAY)
    services.appraise(world.officer_a, dossier, "Phù hợp.", TODAY)
    regulate(world.officer_a, world.ministry)
    return services.approve(world.head_a, dossier, "45/QĐ-BTEST", TODAY, "Bộ trưởng",
                            pdf("qd.pdf"), TODAY)


def test_forms_follow_level(levels_world):
    level_3 = drafted(levels_world, ANSWERS_L3)
    assert names(level_3) == ["dossier", "form-02", "form-04", "form-05", "form-06"]
    assert "form-03" not in names(level_3)
    level_4 = drafted(levels_world, ANSWERS_L4)
    assert level_4.pk == level_3.pk and level_4.level == 4  # same open dossier, re-classified
    assert "form-03" in names(level_4) and "form-01" not in names(level_4)


def test_form_04_uses_the_appraisal_opinion(levels_world):
    dossier = approved(levels_world, ANSWERS_L3)
    dossier.appraisal_opinion = "Đề xuất cấp độ 3 là phù hợp.\nPhương án đáp ứng TCVN 11930:2017."
    dossier.save()
    text = docx_text(documents.render(dossier, "form-04", "docx")[0])
    assert "Đề xuất cấp độ 3 là phù hợp." in text
    assert "Phương án đáp ứng TCVN 11930:2017." in text
    assert "là phù hợp để theo cấp độ đề xuất" in text


def test_level_2_offers_form_01(levels_world):
    assert names(drafted(levels_world, ANSWERS_L2)) == ["dossier", "form-01", "form-06"]


def test_unclassified_dossier_still_renders_the_dossier(levels_world):
    dossier = Dossier.objects.create(system=levels_world.system_a, version=1)
    assert names(dossier) == ["dossier"]
    text = docx_text(documents.render(dossier, "dossier", "docx")[0])
    assert levels_world.system_a.name in text and "Chưa xác định" in text
    assert documents.render(dossier, "dossier", "pdf")[0].startswith(b"%PDF")


def test_decree_85_dossier_offers_only_the_dossier(levels_world):
    dossier = drafted(levels_world, ANSWERS_L3)
    dossier.regime = "decree-85"
    dossier.save()
    assert names(dossier) == ["dossier"]
    with pytest.raises(ValueError, match="unknown document"):
        documents.render(dossier, "form-02", "docx")
    assert documents.render(dossier, "dossier", "pdf")[0].startswith(b"%PDF")


def test_unknown_name_or_format_raises(levels_world):
    dossier = drafted(levels_world, ANSWERS_L3)
    for name, fmt in [("form-99", "docx"), ("form-03", "pdf"), ("../secret", "pdf"),
                      ("dossier", "odt")]:
        with pytest.raises(ValueError, match="unknown document"):
            documents.render(dossier, name, fmt)


def test_labels_follow_the_active_language(levels_world):
    from django.utils import translation

    dossier = drafted(levels_world, ANSWERS_L3)
    with translation.override("en"):
        labels = dict(documents.available(dossier))
    assert labels["form-02"] == "Form 02 – Request to appraise the level dossier"
    with translation.override("vi"):
        labels = dict(documents.available(dossier))
    assert "Văn bản đề nghị thẩm định hồ sơ đề xuất cấp độ" in labels["form-02"]


def test_filenames_are_ascii(levels_world):
    dossier = drafted(levels_world, ANSWERS_L3)
    assert documents.filename(dossier, "dossier", "docx") == (
        f"ho-so-cap-do-{dossier.system_id}-v{dossier.version}.docx")
    assert documents.filename(dossier, "form-02", "pdf") == (
        f"mau-so-02-{dossier.system_id}-v{dossier.version}.pdf")
