"""Demo incident cases of the Ministry of Finance's IT department, worked through the same services
the web pages use: a defacement under Decree 331 with its 72-hour report still due, a ransomware
case with personal data whose reports went out (one acknowledged, the personal-data notice late),
and a closed phishing case of the legacy regime with its notification and Form 04."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from attt.incidents import delivery, services
from attt.incidents.models import Delivery, Incident
from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _system(name):
    return InformationSystem.objects.get(name=name)


def _sent(report, codes, at, user, acknowledged=None):
    rows = delivery.send_report(user, report, codes, base_url="http://127.0.0.1:8000")
    Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=at)  # the demo's story time
    if acknowledged:
        for row in rows:
            row.refresh_from_db()
            acknowledger = get_user_model().objects.get(username=acknowledged)
            delivery.acknowledge(acknowledger, row)
    return rows


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def load_incidents_demo(admin):
    if Incident.objects.exists():
        return
    User = get_user_model()
    operator = User.objects.get(username="vanhanh.thtk")
    officer = User.objects.get(username="chuyentrach.btc")
    unit = Organisation.objects.get(code="BTC-THTK")
    now = timezone.now()
    portal = _system("Cổng thông tin điện tử Bộ Tài chính")
    public_services = _system("Hệ thống dịch vụ công trực tuyến Bộ Tài chính")

    deface = services.open_incident(operator, unit, {
        "title": "Thay đổi trái phép giao diện Cổng thông tin điện tử Bộ Tài chính",
        "incident_type": "defacement", "severity": "high", "status": "investigating",
        "detected_at": now - timedelta(hours=30), "reporter_name": "Phạm Quốc Việt",
        "reporter_title": "Chuyên viên vận hành", "reporter_phone": "024 3826 0000",
        "reporter_email": "vanhanh@mof.gov.vn", "detection_method": "monitoring",
        "description": "Trang chủ hiển thị nội dung lạ; tệp index.php bị thay thế qua plugin CMS có lỗ hổng.",
        "measures": "Chuyển cổng sang trang bảo trì, khôi phục từ bản sao lưu ngày hôm trước, vá plugin.",
    }, [portal.pk])
    services.add_indicators(operator, deface, [("ipv4", "185.220.101.45"), ("domain", "cdn-update-check.top"),
                                               ("sha256", "9f2b5c0e4b8a7d61c3e0f5a9b2d4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9")],
                            tlp="amber", source="Phân tích nhật ký web")
    services.add_note(operator, deface, "Cô lập máy chủ web khỏi mạng công cộng.",
                      occurred_at=(now - timedelta(hours=29)).astimezone(VN).replace(tzinfo=None), kind="action")
    services.add_task(operator, deface, "Rà soát toàn bộ plugin của CMS", assignee="vanhanh.thtk",
                      due_on=(now + timedelta(days=2)).date())
    services.assign_responder(operator, deface, "ungcuu.thtk", "Phân tích pháp y")
    delivery.generate_report(operator, deface, "d331_report")

    ransomware = services.open_incident(operator, unit, {
        "title": "Mã độc mã hoá dữ liệu trên máy chủ dịch vụ công trực tuyến",
        "incident_type": "ransomware", "severity": "critical", "status": "contained",
        "detected_at": now - timedelta(days=4), "reporter_name": "Phạm Quốc Việt",
        "reporter_email": "vanhanh@mof.gov.vn", "detection_method": "ids",
        "personal_data": True, "beyond_capability": True, "complex_case": True,
        "impacts": ["service_interruption", "integrity_loss"],
        "description": "Hai máy chủ ứng dụng bị mã hoá; dịch vụ công gián đoạn 6 giờ.",
        "damage": "Gián đoạn dịch vụ 6 giờ; khoảng 12.000 hồ sơ có thể bị truy cập trái phép.",
        "pd_categories": "Họ tên, số định danh cá nhân, địa chỉ, số điện thoại",
        "pd_volume": "Khoảng 12.000 chủ thể dữ liệu", "pd_contact": "Bộ phận bảo vệ dữ liệu cá nhân, dpo@mof.gov.vn",
        "pd_consequences": "Nguy cơ bị lừa đảo qua điện thoại, giả mạo danh tính.",
    }, [public_services.pk])
    services.add_indicators(operator, ransomware, [("ipv4", "45.134.26.77"), ("email", "restore.files@onionmail.org")],
                            tlp="red", source="VNCERT")
    services.add_task(officer, ransomware, "Rà soát quy trình sao lưu ngoại tuyến", kind="follow_up",
                      owner_organisation="BTC", due_on=(now + timedelta(days=30)).date())
    report = delivery.generate_report(operator, ransomware, "d331_report")
    _sent(report, ["BCA-A05", "BTC"], now - timedelta(days=4) + timedelta(hours=20), officer, acknowledged="quanly.a05")
    notice = delivery.generate_report(operator, ransomware, "pd_breach")
    _sent(notice, ["BCA-A05"], now - timedelta(hours=10), officer)

    t0 = datetime(2026, 3, 10, 8, 15, tzinfo=VN)
    phishing = services.open_incident(operator, unit, {
        "title": "Thư điện tử giả mạo lãnh đạo Bộ yêu cầu chuyển tiền", "incident_type": "phishing",
        "severity": "medium", "detected_at": t0, "reporter_name": "Phạm Quốc Việt",
        "description": "Nhiều cán bộ nhận thư giả mạo địa chỉ của lãnh đạo Bộ.",
        "cause": "Tên miền giả mạo mof-gov.vn đăng ký ngày 08/03/2026.",
        "lessons_learned": "Bật DMARC chế độ reject; tập huấn nhận diện thư giả mạo.",
    }, [_system("Hệ thống thư điện tử công vụ").pk])
    services.add_indicators(operator, phishing, [("domain", "mof-gov.vn")], tlp="green")
    notification = delivery.generate_report(operator, phishing, "notification")
    _sent(notification, ["VNCERT", "BTC"], t0 + timedelta(days=2), officer)
    phishing = services.update_incident(operator, phishing, {"status": "closed",
                                                             "response_ended_at": t0 + timedelta(days=3)})
    closing = delivery.generate_report(operator, phishing, "form04")
    _sent(closing, ["VNCERT", "BTC"], t0 + timedelta(days=5), officer)
