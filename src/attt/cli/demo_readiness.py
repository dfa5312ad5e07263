"""Demo readiness and public contact, worked through the rooms' own services: the Ministry of
Finance IT department's response team (six experts, two outsourced, one certificate expired), its
24/7 focal point, an approved response plan of the ministry portal with scenarios, a real-world
drill this year and a tabletop drill last year (a maturity trend), an independent assessment with
one overdue finding; the ministry's published contacts and a
telecom's customer warning sent to a small customer list."""

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from attt.inventory.models import InformationSystem
from attt.public import services_contact, services_warnings
from attt.public.models import WarningCampaign
from attt.readiness import services_drills, services_plans, services_team
from attt.readiness.models import TeamMember
from attt.tenancy.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MEMBERS = [
    ("Hoàng Minh Đức", "internal", "lead", "", "ungcuu.thtk", ["Pháp y số", "Điều phối"], ("CISSP", 900)),
    ("Phạm Quốc Việt", "internal", "technical_expert", "", "vanhanh.thtk", ["Quản trị hệ thống"], ("CEH", 400)),
    ("Lê Thu Hà", "internal", "technical_expert", "", "", ["Phân tích mã độc"], ("GREM", 500)),
    ("Ngô Văn Tâm", "internal", "member", "", "", ["Giám sát SOC"], ("CompTIA Security+", -30)),
    ("Trần Đức Long", "outsourced", "technical_expert", "Công ty An ninh mạng Sao Việt", "", ["Kiểm thử xâm nhập"],
     ("OSCP", 700)),
    ("Vũ Hải Yến", "outsourced", "member", "Công ty An ninh mạng Sao Việt", "", ["Ứng cứu sự cố"], ("GCIH", 300)),
]


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _team(officer, unit, today):
    for name, membership, role, provider, username, skills, (certificate, days) in MEMBERS:
        services_team.save_member(officer, unit, {
            "full_name": name, "username": username, "membership": membership, "role": role,
            "provider_name": provider, "contract_end": (today + timedelta(days=365)).isoformat() if provider else "",
            "skills": "; ".join(skills), "email": "", "phone": ""},
            certificates=[{"name": certificate, "issuer": "", "number": "",
                           "expires_on": (today + timedelta(days=days)).isoformat()}])
    lead = TeamMember.objects.get(organisation=unit, full_name="Hoàng Minh Đức")
    services_team.change_focal_point(officer, unit, {"member": lead.pk, "phone": "0912 345 678",
                                                     "email": "ungcuu247@mof.gov.vn"})
    services_team.confirm_roster(officer, unit, "Quyết định 125/QĐ-THTK")


def _drills(officer, unit, portal, today):
    scores = {"detection": 4, "containment": 3, "communication": 4, "reporting": 3, "recovery": 4}
    last_year = services_drills.save_drill(officer, unit, {
        "title": "Diễn tập trên bàn giấy: lộ lọt dữ liệu dịch vụ công", "drill_type": "tabletop",
        "held_on": today.replace(year=today.year - 1, month=6, day=15).isoformat(),
        "scenario": "Cơ sở dữ liệu hồ sơ dịch vụ công bị truy vấn trái phép."}, [])
    services_drills.complete_drill(officer, last_year, {**scores, "reporting": 2, "recovery": 3},
                                   "Quy trình báo cáo chưa rõ đầu mối.")
    real = services_drills.save_drill(officer, unit, {
        "title": "Diễn tập thực chiến: tấn công thay đổi giao diện cổng thông tin", "drill_type": "real_world",
        "held_on": (today - timedelta(days=40)).isoformat(),
        "scenario": "Đội tấn công khai thác plugin CMS để thay đổi trang chủ."}, [portal.pk])
    services_drills.add_finding(officer, real, {
        "category": "technology", "description": "Cảnh báo WAF không chuyển tới SOC ngoài giờ.",
        "fix": "Định tuyến cảnh báo WAF về hệ thống giám sát tập trung.",
        "due_on": (today - timedelta(days=5)).isoformat()})
    services_drills.add_finding(officer, real, {
        "category": "people", "description": "Hai thành viên chưa nắm quy trình báo cáo 24 giờ.",
        "fix": "Tập huấn quy trình báo cáo theo Nghị định 331.", "due_on": (today + timedelta(days=20)).isoformat()})
    services_drills.complete_drill(officer, real, scores, "Phát hiện sau 18 phút, ngăn chặn sau 2 giờ.")


def _plan_and_assessment(officer, head, unit, ministry, portal, today):
    outline = services_plans.outline_for(ministry, portal)
    answers = [{"item": item.id, "covered": True, "section": f"Mục {index}"}
               for index, item in enumerate(outline.items, start=1)]
    plan = services_plans.create_plan(officer, ministry, {
        "title": "Phương án ứng phó sự cố Cổng thông tin điện tử Bộ Tài chính", "notes": ""},
        system=portal, upload=_pdf("phuong-an-ung-pho.pdf"), answers=answers, scenarios=[
            {"title": "Tấn công thay đổi giao diện", "description": "Trang chủ bị thay thế nội dung.",
             "response_steps": "Cô lập máy chủ; bật trang bảo trì; khôi phục từ bản sao lưu; báo cáo trong 24 giờ."},
            {"title": "Tấn công từ chối dịch vụ", "description": "Lưu lượng bất thường làm gián đoạn cổng.",
             "response_steps": "Kích hoạt dịch vụ chống DDoS của nhà cung cấp; điều hướng lưu lượng."}])
    services_plans.approve_version(head, plan.versions.get(), today - timedelta(days=60))
    assessment = services_plans.create_assessment(officer, ministry, {
        "title": "Đánh giá an toàn thông tin định kỳ năm " + str(today.year), "kind": "independent",
        "assessor_unit": "BTC-THTK", "started_on": (today - timedelta(days=90)).isoformat(),
        "summary": "Đánh giá theo TCVN 11930:2017."}, [portal.pk], upload=_pdf("bao-cao-danh-gia.pdf"))
    services_plans.add_requirements(officer, assessment, [
        {"reference": "8.2.1", "requirement": "Xác thực đa yếu tố cho quản trị", "result": "met", "note": ""},
        {"reference": "8.3.4", "requirement": "Sao lưu dữ liệu định kỳ, lưu trữ ngoại tuyến",
         "result": "partly", "note": "Chưa kiểm tra khôi phục"}])
    services_plans.add_finding(officer, assessment, {
        "title": "Chưa kiểm tra khôi phục bản sao lưu", "severity": "high", "fix": "Diễn tập khôi phục hằng quý",
        "owner": "BTC-THTK", "due_on": (today - timedelta(days=10)).isoformat()})
    services_plans.complete_assessment(officer, assessment, today - timedelta(days=30))


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def _public(admin):
    ministry = Organisation.objects.get(code="BTC")
    services_contact.save_contact(admin, ministry, {
        "phone": "024 2220 2828", "email": "ungcuusuco@mof.gov.vn", "hours": "24/7", "languages": "vi, en",
        "policy_url": "", "pgp_key_url": "", "host_names": "ungcuu.mof.gov.vn", "published": True})
    telecom = Organisation.objects.get(code="HHT")
    services_contact.save_contact(admin, telecom, {
        "phone": "1800 1090", "email": "abuse@honghatelecom.vn", "hours": "24/7", "languages": "vi, en",
        "host_names": "", "published": True})
    if WarningCampaign.objects.exists():
        return
    campaign = services_warnings.create_campaign(admin, telecom, {
        "title": "Cảnh báo chiến dịch lừa đảo giả mạo tổng đài Hồng Hà",
        "risk": "Đối tượng gọi điện, gửi tin nhắn giả mạo tổng đài yêu cầu cung cấp mã OTP.",
        "affected_services": "Di động trả trước, trả sau", "language": "vi", "public": True,
        "advice": "Không cung cấp mã OTP; gọi 1800 1090 để xác minh; báo cáo số điện thoại lừa đảo."})
    rows = "\n".join(f"Khách hàng {n},khach{n}@example.vn,09000000{n:02d}" for n in range(1, 21))
    services_warnings.import_audience(admin, campaign, io.BytesIO(f"name,email,phone\n{rows}\n".encode()),
                                      "khach-hang.csv")
    services_warnings.start_sending(admin, campaign, queue=False)
    services_warnings.run_campaign(campaign.pk, sleep=lambda seconds: None, rate_per_minute=100000)


def load_readiness_demo(admin):
    if TeamMember.objects.exists():
        return
    User = get_user_model()
    officer, head = User.objects.get(username="chuyentrach.btc"), User.objects.get(username="lanhdao.btc")
    unit, ministry = Organisation.objects.get(code="BTC-THTK"), Organisation.objects.get(code="BTC")
    portal = InformationSystem.objects.get(name="Cổng thông tin điện tử Bộ Tài chính")
    today = timezone.localdate()
    _team(officer, unit, today)
    _drills(officer, unit, portal, today)
    _plan_and_assessment(officer, head, unit, ministry, portal, today)
    _public(admin)
