"""Demo periodic reports: the Ministry of Finance's units report their third quarter (one on time,
one late, one missing), the ministry consolidates and submits to A05 late, the IT department's
six-month Form 05 went in on time, and its annual Form 08 waits for the head's approval."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.test.utils import override_settings

from attt.reports import services
from attt.reports.models import PeriodicReport
from attt.tenancy.models import Organisation

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(*args):
    return datetime.datetime(*args, tzinfo=VN)


def _submit(officer, head, organisation, kind, year, number, when, *, consolidated=False):
    report = services.generate(officer, organisation, kind, year, number, consolidated=consolidated, now=when)
    services.approve(head, report, now=when)
    return services.submit(officer, report, now=when)


# The demo's mails go nowhere (as in the incidents demo): the console would print every attachment.
@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def load_reports_demo(admin):
    if PeriodicReport.objects.exists():
        return
    User = get_user_model()
    officer, head = User.objects.get(username="chuyentrach.btc"), User.objects.get(username="lanhdao.btc")
    codes = {o.code: o for o in Organisation.objects.filter(code__in=["BTC", "BTC-THTK", "BTC-KBNN"])}
    _submit(officer, head, codes["BTC-THTK"], "quarterly", 2026, 3, _at(2026, 9, 18, 15))
    _submit(officer, head, codes["BTC-KBNN"], "quarterly", 2026, 3, _at(2026, 9, 23, 9))
    _submit(officer, head, codes["BTC"], "quarterly", 2026, 3, _at(2026, 9, 25, 10), consolidated=True)
    _submit(officer, head, codes["BTC-THTK"], "form05_half", 2026, None, _at(2026, 6, 17, 10))
    services.generate(officer, codes["BTC-THTK"], "annual", 2026)
