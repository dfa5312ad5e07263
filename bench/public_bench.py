"""Customer warnings and public contact at telecom scale: import a 100,000-customer list (CSV and
XLSX), send a campaign to 20,000 customers through the batching/claiming code path (Django's
in-memory mail backend, rate limit off, so the figure is ATTT's own cost per message), and serve
security.txt and the public contact page.

Usage: python bench/public_bench.py [--customers 100000] [--send 20000]
"""

import io
import statistics
import sys
import time

from common import start, timed  # noqa: I001  (sets Django up)

import openpyxl  # noqa: E402
from django.core import mail  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from attt.public import services_contact, services_warnings  # noqa: E402
from attt.testing import make_org, make_user  # noqa: E402
from attt.tenancy.roles import Role  # noqa: E402

sys.argv, extra = sys.argv[:1], sys.argv[1:]
CUSTOMERS = int(extra[extra.index("--customers") + 1]) if "--customers" in extra else 100_000
SEND = int(extra[extra.index("--send") + 1]) if "--send" in extra else 20_000


def csv_bytes(count):
    rows = "\n".join(f"Khách hàng {n},khach{n}@example.vn,09{n:08d},KH{n}" for n in range(count))
    return f"Họ và tên,Thư điện tử,Số điện thoại,Mã khách hàng\n{rows}\n".encode()


def xlsx_bytes(count):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["name", "email", "phone", "customer id"])
    for n in range(count):
        sheet.append([f"Customer {n}", f"c{n}@example.vn", f"09{n:08d}", f"C{n}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def median_get(client, url, runs=21, **extra):
    client.get(url, **extra)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url, **extra)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", ALLOWED_HOSTS=["*"],
                   ATTT_WARNING_MAX_RECIPIENTS=1_000_000)
def main():
    _args, root, _ministries, _agencies = start(default_systems=0, default_orgs=12)
    telecom = make_org("TEL", "telecom_isp", root, is_telecom=True)
    officer = make_user("bench.telecom", telecom, Role.SECURITY_OFFICER)
    services_contact.save_contact(officer, telecom, {"phone": "1800 1090", "email": "abuse@tel.example",
                                                     "hours": "24/7", "languages": "vi, en",
                                                     "host_names": "www.tel.example", "published": True})
    data = {"title": "Cảnh báo lừa đảo", "risk": "Giả mạo tổng đài", "advice": "Không cung cấp OTP",
            "language": "vi"}
    for label, content, name in (("CSV", csv_bytes(CUSTOMERS), "list.csv"), ("XLSX", xlsx_bytes(CUSTOMERS), "list.xlsx")):
        campaign = services_warnings.create_campaign(officer, telecom, data)
        print(f"{label + ' file':<52} {len(content):>10,} bytes")
        count = timed(f"import {CUSTOMERS:,} customers from {label}",
                      lambda: services_warnings.import_audience(officer, campaign, io.BytesIO(content), name))
        assert count == CUSTOMERS, count
    campaign = services_warnings.create_campaign(officer, telecom, data)
    services_warnings.import_audience(officer, campaign, io.BytesIO(csv_bytes(SEND)), "send.csv")
    services_warnings.start_sending(officer, campaign, queue=False)
    mail.outbox = []
    result = timed(f"send to {SEND:,} customers (claim, hand over, record)",
                   lambda: services_warnings.run_campaign(campaign.pk, sleep=lambda s: None, rate_per_minute=10**9))
    print(f"{'  messages in the outbox':<52} {len(mail.outbox):>10,}  ({result})")
    assert len(mail.outbox) == SEND
    client = Client()
    seconds = median_get(client, "/.well-known/security.txt", HTTP_HOST="www.tel.example")
    print(f"{'security.txt by host name, median of 21':<52} {seconds:8.4f} s")
    seconds = median_get(client, "/o/TEL/contact/")
    print(f"{'public contact page, median of 21':<52} {seconds:8.4f} s")


if __name__ == "__main__":
    main()
