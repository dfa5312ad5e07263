"""Demo security levels: a Ministry of Finance regulation, approved, appraised and pending dossiers,
so the approval share, the clocks and every workflow step can be seen after `make run`."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.levels import checklist, services
from attt.levels.models import SecurityRegulation
from attt.tenancy.models import Organisation


def _pdf(title):
    """A small valid one-page PDF whose only text is ``title`` (ASCII, for the demo files)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


# (owner code, system name, how far its dossier goes, answers beyond what the inventory knows)
PLAN = [
    ("BTC", "Cổng thông tin điện tử Bộ Tài chính", "approved", {}),
    ("BTC", "Hệ thống dịch vụ công trực tuyến Bộ Tài chính", "approved",
     {"handles_administrative_procedures": True, "public_service_level": "full"}),
    ("BTC", "Hệ thống thư điện tử công vụ", "approved", {}),
    ("BTC-KBNN", "Dịch vụ công trực tuyến Kho bạc", "appraised", {"public_service_level": "full"}),
    ("BTC-CT", "Hệ thống hóa đơn điện tử", "submitted", {}),
    ("BTC", "Trung tâm dữ liệu Bộ Tài chính", "submitted",
     {"infrastructure_scope": "sector_or_province"}),
    ("BTC-CT", "Cổng thuế điện tử eTax", "drafting", {"conditional_business": False}),
    # Level 4: waits for the regulator (quanly.a05) to appraise.
    ("EVN", "Hệ thống SCADA điều độ hệ thống điện quốc gia", "submitted",
     {"industrial_control_grade": "I"}),
]
PREPARER = {"EVN": "chuyentrach.evn"}


def load_levels_demo(admin):
    User = get_user_model()
    officer = User.objects.get(username="chuyentrach.btc")
    head = User.objects.get(username="lanhdao.btc")
    btc = Organisation.objects.get(code="BTC")
    today = timezone.localdate()
    if not SecurityRegulation.objects.filter(organisation=btc).exists():
        checklist.record_regulation(
            officer, btc, "Quy chế bảo đảm an toàn thông tin mạng của Bộ Tài chính",
            "1234/QĐ-BTC", datetime.date(2025, 3, 14), _pdf("Quy che ATTT Bo Tai chinh"))
    for owner, name, goal, extra in PLAN:
        system = InformationSystem.objects.filter(owner__code=owner, name=name).first()
        if system is None or system.dossiers.exists():
            continue
        answers = {**services.prefill_answers(system), **extra}
        preparer = User.objects.get(username=PREPARER.get(owner, officer.username))
        start = today - datetime.timedelta(days=40 if goal == "approved" else 6)
        services.classify_system(preparer, system, answers, start)
        dossier = system.dossiers.get()
        for part, _files in services.parts_status(dossier):
            if part.required:
                services.add_attachment(preparer, dossier, part.id, _pdf(f"{part.id} {system.pk}"))
        if goal == "drafting":
            continue
        services.submit(preparer, dossier, start)
        if goal == "submitted":
            continue
        services.appraise(officer, dossier, "Đề xuất cấp độ phù hợp với tiêu chí; phương án bảo "
                                            "đảm an toàn thông tin đáp ứng yêu cầu của cấp độ.",
                          start + datetime.timedelta(days=10))
        if goal == "appraised":
            continue
        decided = start + datetime.timedelta(days=20)
        services.approve(head, dossier, f"{100 + system.pk}/QĐ-BTC", decided,
                         "Bộ trưởng Bộ Tài chính", _pdf(f"Quyet dinh cap do {system.pk}"), today)
