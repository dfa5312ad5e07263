"""A realistic demo tree: regulator, coordination agency, a ministry with three agencies, a province
with two departments and a district unit, a state corporation, a telecom/ISP and a bank; about 25
systems; one user per role. Idempotent: running it again changes nothing that exists."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from attt.inventory import services as inventory
from attt.inventory.addressing import parse_domains, parse_hosts, parse_networks
from attt.inventory.models import InformationSystem
from attt.tenancy import audit
from attt.tenancy.models import Organisation, RoleAssignment
from attt.tenancy.roles import Role

DEMO_PASSWORD = "Attt@2026-demo"
ADMIN_USERNAME = "admin"

# code, parent, kind, Vietnamese name, English name, flags (state, network member, telecom), extra
ORGANISATIONS = [
    ("BCA-A05", None, "national_regulator", "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – Bộ Công an",
     "Department of Cybersecurity and High-Tech Crime Prevention – Ministry of Public Security", (True, True, False),
     {"address": "47 Phạm Văn Đồng, Cầu Giấy, Hà Nội", "phone": "069 219 4055", "email": "a05@bocongan.gov.vn", "head_name": "Thiếu tướng Nguyễn Văn Minh"}),
    ("VNCERT", "BCA-A05", "national_coordination", "Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam",
     "Vietnam Cyber Emergency Response Team (VNCERT/CC)", (True, True, False),
     {"address": "18 Nguyễn Du, Hai Bà Trưng, Hà Nội", "phone": "024 3640 4421", "email": "ir@vncert.vn", "head_name": "Trần Quang Hưng"}),
    ("BTC", "BCA-A05", "ministry", "Bộ Tài chính", "Ministry of Finance", (True, True, False),
     {"address": "28 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội", "phone": "024 2220 2828", "email": "vanphong@mof.gov.vn", "head_name": "Nguyễn Văn Thắng"}),
    ("BTC-THTK", "BTC", "agency", "Cục Tin học và Thống kê tài chính", "Department of Financial Informatics and Statistics", (True, True, False),
     {"address": "28 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội", "phone": "024 2220 2868", "email": "thtk@mof.gov.vn", "head_name": "Lê Thị Thu Hà"}),
    ("BTC-KBNN", "BTC", "agency", "Kho bạc Nhà nước", "State Treasury", (True, False, False),
     {"address": "32 Cát Linh, Đống Đa, Hà Nội", "phone": "024 6276 4300", "email": "kbnn@vst.gov.vn", "head_name": "Trần Quân"}),
    ("BTC-CT", "BTC", "agency", "Cục Thuế", "Tax Department", (True, False, False),
     {"address": "123 Lò Đúc, Hai Bà Trưng, Hà Nội", "phone": "024 3971 2555", "email": "cucthue@gdt.gov.vn", "head_name": "Mai Xuân Thành"}),
    ("BN", "BCA-A05", "province", "Ủy ban nhân dân tỉnh Bắc Ninh", "Bắc Ninh Provincial People's Committee", (True, True, False),
     {"address": "10 Phù Đổng Thiên Vương, Bắc Ninh", "phone": "0222 3822 500", "email": "ubnd@bacninh.gov.vn", "head_name": "Vương Quốc Tuấn"}),
    ("BN-SKHCN", "BN", "agency", "Sở Khoa học và Công nghệ tỉnh Bắc Ninh", "Bắc Ninh Department of Science and Technology", (True, True, False),
     {"address": "11 Lý Thái Tổ, Bắc Ninh", "phone": "0222 3812 345", "email": "skhcn@bacninh.gov.vn", "head_name": "Đỗ Văn Chiến"}),
    ("BN-SYT", "BN", "agency", "Sở Y tế tỉnh Bắc Ninh", "Bắc Ninh Department of Health", (True, False, False),
     {"address": "2 Lý Thái Tổ, Bắc Ninh", "phone": "0222 3822 417", "email": "syt@bacninh.gov.vn", "head_name": "Nguyễn Thị Hương"}),
    ("BN-TS", "BN", "unit", "Ủy ban nhân dân thành phố Từ Sơn", "Từ Sơn City People's Committee", (True, False, False),
     {"address": "1 Minh Khai, Từ Sơn, Bắc Ninh", "phone": "0222 3831 241", "email": "ubnd@tuson.bacninh.gov.vn", "head_name": "Phạm Đình Khôi"}),
    ("EVN", "BCA-A05", "state_corporation", "Tập đoàn Điện lực Việt Nam", "Vietnam Electricity", (False, True, False),
     {"address": "11 Cửa Bắc, Ba Đình, Hà Nội", "phone": "024 6694 6789", "email": "evn@evn.com.vn", "head_name": "Đặng Hoàng An"}),
    ("HHT", "BCA-A05", "telecom_isp", "Công ty Cổ phần Viễn thông Hồng Hà", "Hong Ha Telecom JSC", (False, True, True),
     {"address": "86 Lê Thánh Tông, Hoàn Kiếm, Hà Nội", "phone": "1800 1186", "email": "abuse@hht.vn", "head_name": "Vũ Minh Châu"}),
    ("NHPN", "BCA-A05", "enterprise", "Ngân hàng Thương mại Cổ phần Phương Nam", "Phuong Nam Commercial Bank", (False, True, False),
     {"address": "279 Lý Thường Kiệt, Quận 11, TP. Hồ Chí Minh", "phone": "1900 6279", "email": "security@pnb.vn", "head_name": "Lâm Thị Ngọc"}),
]

# username, full name, organisation, role
USERS = [
    ("chuyentrach.btc", "Nguyễn Thị Lan", "BTC", Role.SECURITY_OFFICER),
    ("lanhdao.btc", "Trần Văn Bình", "BTC", Role.HEAD),
    ("vanhanh.thtk", "Phạm Quốc Việt", "BTC-THTK", Role.OPERATOR),
    ("ungcuu.thtk", "Hoàng Minh Đức", "BTC-THTK", Role.INCIDENT_RESPONDER),
    ("giamsat.btc", "Đỗ Thị Mai", "BTC", Role.SUPERVISOR),
    ("quanly.a05", "Lê Hồng Sơn", "BCA-A05", Role.REGULATOR),
    ("danhgia.btc", "Bùi Thanh Tùng", "BTC", Role.AUDITOR),
    ("quantri.bn", "Ngô Thị Hằng", "BN", Role.ORG_ADMIN),
    ("chuyentrach.bn", "Đinh Văn Long", "BN", Role.SECURITY_OFFICER),
    ("chuyentrach.evn", "Vũ Thị Ngân", "EVN", Role.SECURITY_OFFICER),
    ("chuyentrach.hht", "Trịnh Quang Huy", "HHT", Role.SECURITY_OFFICER),
]

# owner, operator, name, type, classes, basic, sensitive, hosting, provider, status, go-live, hosts, networks, domains
SYSTEMS = [
    ("BTC", "BTC-THTK", "Cổng thông tin điện tử Bộ Tài chính", "online_service", ["public"], 0, 0, "data_centre", "", "operating", "2015-03-01",
     ["portal01 10.20.1.11", "portal02 10.20.1.12"], ["10.20.1.0/24"], ["mof.gov.vn"]),
    ("BTC", "BTC-THTK", "Hệ thống dịch vụ công trực tuyến Bộ Tài chính", "online_service", ["public", "personal"], 850000, 0, "data_centre", "", "operating", "2019-07-01",
     ["dvc-web01 10.20.2.21", "dvc-db01 10.20.2.31"], ["10.20.2.0/24", "2001:db8:20:2::/64"], ["dichvucong.mof.gov.vn"]),
    ("BTC", "BTC-THTK", "Hệ thống thư điện tử công vụ", "internal", ["private"], 0, 0, "on_premises", "", "operating", "2012-05-15",
     ["mail01 10.20.3.10"], ["10.20.3.0/25"], ["mail.mof.gov.vn"]),
    ("BTC", "BTC-THTK", "Trung tâm dữ liệu Bộ Tài chính", "infrastructure", ["private", "personal"], 0, 0, "on_premises", "", "operating", "2016-01-01",
     ["core-sw01 10.20.0.1", "fw01 10.20.0.2"], ["10.20.0.0/24"], []),
    ("BTC-KBNN", "BTC-KBNN", "Hệ thống thanh toán song phương điện tử", "infrastructure", ["private"], 0, 0, "data_centre", "", "operating", "2014-09-01",
     ["ttsp-app01 10.30.1.10", "ttsp-db01 10.30.1.20"], ["10.30.1.0/24"], []),
    ("BTC-KBNN", "BTC-KBNN", "Dịch vụ công trực tuyến Kho bạc", "online_service", ["public", "personal"], 120000, 0, "data_centre", "", "operating", "2018-04-01",
     ["dvc-kb 10.30.2.10"], ["10.30.2.0/24"], ["dvc.vst.gov.vn"]),
    ("BTC-KBNN", "BTC-KBNN", "Hệ thống quản lý ngân sách và kho bạc (TABMIS) nâng cấp", "internal", ["private"], 0, 0, "data_centre", "", "in_investment", None,
     [], ["10.30.8.0/24"], []),
    ("BTC-CT", "BTC-THTK", "Hệ thống hóa đơn điện tử", "online_service", ["private", "personal"], 9000000, 0, "data_centre", "", "operating", "2022-07-01",
     ["hddt-web01 10.40.1.10", "hddt-web02 10.40.1.11", "hddt-db01 10.40.1.50"], ["10.40.1.0/24", "203.0.113.0/27"], ["hoadondientu.gdt.gov.vn"]),
    ("BTC-CT", "BTC-CT", "Cổng thuế điện tử eTax", "online_service", ["personal"], 6500000, 12000, "data_centre", "", "operating", "2020-01-01",
     ["etax01 10.40.2.10"], ["10.40.2.0/24"], ["thuedientu.gdt.gov.vn"]),
    ("BTC-CT", "BTC-CT", "Hệ thống quản lý thuế tập trung (lưu trữ)", "internal", ["private"], 0, 0, "on_premises", "", "retired", "2008-01-01",
     [], ["10.40.9.0/24"], []),
    ("BN", "BN-SKHCN", "Cổng thông tin điện tử tỉnh Bắc Ninh", "online_service", ["public"], 0, 0, "data_centre", "Trung tâm dữ liệu tỉnh", "operating", "2013-10-01",
     ["cong-bn 172.16.10.10"], ["172.16.10.0/24"], ["bacninh.gov.vn"]),
    ("BN", "BN-SKHCN", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", "online_service", ["public", "personal"], 450000, 0, "data_centre", "Trung tâm dữ liệu tỉnh", "operating", "2021-06-15",
     ["tthc-app 172.16.11.10", "tthc-db 172.16.11.20"], ["172.16.11.0/24"], ["dichvucong.bacninh.gov.vn"]),
    ("BN", "BN-SKHCN", "Hệ thống quản lý văn bản và điều hành", "internal", ["private"], 0, 0, "cloud", "Viettel Cloud", "operating", "2019-03-01",
     ["qlvb 172.16.12.10"], ["172.16.12.0/24"], ["qlvb.bacninh.gov.vn"]),
    ("BN", "BN-SKHCN", "Trung tâm giám sát, điều hành đô thị thông minh (IOC)", "infrastructure", ["private", "personal"], 30000, 0, "data_centre", "Trung tâm dữ liệu tỉnh", "in_investment", None,
     [], ["172.16.20.0/23"], ["ioc.bacninh.gov.vn"]),
    ("BN-SYT", "BN-SYT", "Hệ thống hồ sơ sức khỏe điện tử", "online_service", ["personal"], 200000, 200000, "cloud", "VNPT Cloud", "operating", "2023-02-01",
     ["hssk01 172.16.30.10"], ["172.16.30.0/24"], ["hssk.bacninh.gov.vn"]),
    ("BN-SYT", "BN-SYT", "Phần mềm quản lý bệnh viện đa khoa tỉnh", "internal", ["personal"], 80000, 80000, "on_premises", "", "operating", "2017-08-01",
     ["his-app 172.16.31.10", "his-db 172.16.31.20"], ["172.16.31.0/24"], []),
    ("BN-TS", "BN-TS", "Cổng thông tin điện tử thành phố Từ Sơn", "online_service", ["public"], 0, 0, "cloud", "Viettel Cloud", "operating", "2018-01-01",
     ["tuson-web 172.16.40.10"], ["172.16.40.0/26"], ["tuson.bacninh.gov.vn"]),
    ("BN-TS", "BN-TS", "Hệ thống camera giám sát an ninh trật tự", "industrial_control", ["private"], 0, 0, "on_premises", "", "operating", "2022-11-01",
     ["nvr01 172.16.41.10"], ["172.16.41.0/24"], []),
    ("EVN", "EVN", "Hệ thống SCADA điều độ hệ thống điện quốc gia", "industrial_control", ["private"], 0, 0, "on_premises", "", "operating", "2010-06-01",
     ["scada-fe01 10.50.1.10", "scada-hmi01 10.50.1.20"], ["10.50.1.0/24"], []),
    ("EVN", "EVN", "Hệ thống chăm sóc khách hàng điện lực", "online_service", ["personal"], 30000000, 0, "data_centre", "", "operating", "2016-09-01",
     ["cskh-web 10.50.2.10"], ["10.50.2.0/24", "198.51.100.0/26"], ["cskh.evn.com.vn"]),
    ("EVN", "EVN", "Hệ thống đo đếm điện năng từ xa (AMR)", "industrial_control", ["private"], 0, 0, "on_premises", "", "operating", "2018-03-01",
     ["amr-head 10.50.3.10"], ["10.50.3.0/24"], []),
    ("HHT", "HHT", "Mạng lõi viễn thông và Internet", "infrastructure", ["private"], 0, 0, "on_premises", "", "operating", "2009-01-01",
     ["core-rtr01 100.64.0.1", "bng01 100.64.0.10"], ["100.64.0.0/16", "2001:db8:1000::/48"], ["hht.vn"]),
    ("HHT", "HHT", "Hệ thống DNS phân giải cho khách hàng", "infrastructure", ["private", "personal"], 2500000, 0, "on_premises", "", "operating", "2011-05-01",
     ["dns01 203.0.113.53", "dns02 203.0.113.54"], ["203.0.113.48/28"], ["dns.hht.vn"]),
    ("HHT", "HHT", "Cổng tự phục vụ khách hàng Hồng Hà", "online_service", ["personal"], 3200000, 0, "cloud", "HHT Cloud", "operating", "2020-10-01",
     ["selfcare 100.65.1.10"], ["100.65.1.0/24"], ["my.hht.vn"]),
    ("NHPN", "NHPN", "Ngân hàng lõi (Core Banking)", "internal", ["private", "personal"], 4100000, 4100000, "data_centre", "", "operating", "2015-01-01",
     ["t24-app01 10.60.1.10", "t24-db01 10.60.1.20"], ["10.60.1.0/24"], []),
    ("NHPN", "NHPN", "Ngân hàng điện tử PNB Online", "online_service", ["personal"], 2300000, 2300000, "data_centre", "", "operating", "2017-05-01",
     ["ebank01 10.60.2.10"], ["10.60.2.0/24", "192.0.2.0/27"], ["online.pnb.vn"]),
]


@transaction.atomic
def load_demo() -> dict:
    """Create what is missing; return the logins to print."""
    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_USERNAME, "admin@attt.local", DEMO_PASSWORD, first_name="Quản trị hệ thống")
    with audit.acting_as(admin), audit.batch():
        codes = {}
        for code, parent, kind, name_vi, name_en, (state, member, telecom), extra in ORGANISATIONS:
            organisation = Organisation.objects.filter(code=code).first()
            if organisation is None:
                organisation = Organisation(
                    code=code, parent=codes.get(parent), kind=kind, name_vi=name_vi, name_en=name_en,
                    is_state_body=state, is_network_member=member, is_telecom=telecom, **extra,
                )
                organisation.save()
            codes[code] = organisation
        for username, full_name, org_code, role in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=full_name, email=f"{username}@attt.local")
                user.set_password(DEMO_PASSWORD)
                user.save()
            RoleAssignment.objects.get_or_create(user=user, organisation=codes[org_code], role=role)
        for (owner, operator, name, system_type, classes, basic, sensitive, hosting, provider, status, go_live,
             hosts, networks, domains) in SYSTEMS:
            if InformationSystem.objects.filter(owner=codes[owner], name=name).exists():
                continue
            inventory.save_system(admin, inventory.SystemInput(
                owner=codes[owner], operator=codes[operator], security_unit=codes["BTC-THTK"] if owner.startswith("BTC") else None,
                name=name, description="", system_type=system_type, hosting=hosting, hosting_provider=provider,
                status=status, information_classes=classes, data_subjects_basic=basic, data_subjects_sensitive=sensitive,
                go_live_date=date.fromisoformat(go_live) if go_live else None,
                hosts=parse_hosts(hosts), networks=parse_networks(networks), domains=parse_domains(domains),
            ))
        from .demo_levels import load_levels_demo

        load_levels_demo(admin)
        from .demo_obligations import load_obligations_demo

        load_obligations_demo(admin)
        from .demo_scans import load_scans_demo

        load_scans_demo(admin)
        from .demo_incidents import load_incidents_demo

        load_incidents_demo(admin)
        from .demo_readiness import load_readiness_demo

        load_readiness_demo(admin)
        from .demo_reports import load_reports_demo

        load_reports_demo(admin)
    logins = [(ADMIN_USERNAME, "—", "platform administrator")]
    logins += [(u, org, str(Role(role).label)) for u, _n, org, role in USERS]
    return {"password": DEMO_PASSWORD, "logins": logins}
