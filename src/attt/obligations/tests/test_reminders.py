"""E-mail reminders: who is told, in Vietnamese, once per occurrence, escalated after the threshold,
and never recorded as sent when the mail did not go out."""

import datetime

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from attt.obligations import evidence, recompute, reminders, tasks
from attt.obligations.models import ReminderSent
from attt.tenancy.roles import Role
from attt.testing import make_org, make_user

D = datetime.date.fromisoformat
SCAN_DUE = D("2025-07-10")  # six months after the scan of 10/01/2025 (D18-1)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def d18_1(outbox, system):
    return [message for message in outbox if "D18-1" in message.subject and system.name in message.body]


def recipients(messages):
    return sorted(address for message in messages for address in message.to)


def run(on):
    recompute.recompute_all(on=on)
    return reminders.send_reminders(on=on)


@pytest.fixture
def mail_world(world, settings):
    settings.ATTT_ESCALATION_DAYS = 14
    settings.ATTT_BASE_URL = "https://attt.example.gov.vn"
    w = world
    for user, email in ((w.officer_a, "officer.a@min-a.gov.vn"), (w.supervisor_a, "supervisor.a@min-a.gov.vn"),
                        (w.auditor_a, "auditor.a@min-a.gov.vn"), (w.admin_a, "admin.a@min-a.gov.vn"),
                        (w.operator_a1, "operator.a1@a1.gov.vn"), (w.officer_b, "officer.b@prv-b.gov.vn")):
        user.email = email
        user.save(update_fields=["email"])
    evidence.record(kind="vulnerability_scan", system=w.system_a, occurred_on=D("2025-01-10"), title="Scan")
    return w


@pytest.fixture
def agency_officers(mail_world):
    w = mail_world
    w.officer_a1 = make_user("officer.a1", w.agency, Role.SECURITY_OFFICER, email="officer.a1@a1.gov.vn")
    w.head_a1 = make_user("head.a1", w.agency, Role.HEAD, email="Head.A1@a1.gov.vn")
    make_user("former.a1", w.agency, Role.SECURITY_OFFICER, email="former.a1@a1.gov.vn", is_active=False)
    make_user("silent.a1", w.agency, Role.SECURITY_OFFICER)  # no e-mail address
    return w


def test_before_the_due_date_the_subject_officers_get_one_vietnamese_reminder(agency_officers, mailoutbox):
    w = agency_officers
    counts = run(SCAN_DUE - datetime.timedelta(days=9))
    messages = d18_1(mailoutbox, w.system_a)
    assert recipients(messages) == ["Head.A1@a1.gov.vn", "officer.a1@a1.gov.vn"]  # not the inactive one
    message = messages[0]
    assert message.subject.startswith("[ATTT] Sắp đến hạn D18-1: ")
    assert "hạn 10/07/2025" in message.subject
    assert "Chủ động săn lùng mối đe dọa, rà quét lỗ hổng hệ thống" in message.body
    assert "CT 18/CT-TTg, mục 1" in message.body
    assert "Báo cáo rà quét, nhật ký săn lùng mối đe dọa, phiếu khắc phục" in message.body
    assert "còn 9 ngày" in message.body and "AG-A1" in message.body
    assert f"https://attt.example.gov.vn/obligations/systems/{w.system_a.pk}/" in message.body
    assert counts["before"] >= 2 and counts["failed"] == 0
    sent = ReminderSent.objects.filter(duty_id="D18-1", system=w.system_a)
    assert sorted(sent.values_list("kind", "recipient", "due_on")) == [
        ("before", "Head.A1@a1.gov.vn", SCAN_DUE), ("before", "officer.a1@a1.gov.vn", SCAN_DUE)]

    # The next morning: nothing new is owed, nothing is sent again.
    before = len(mailoutbox)
    again = reminders.send_reminders(on=SCAN_DUE - datetime.timedelta(days=8))
    assert len(mailoutbox) == before
    assert again["before"] == again["overdue"] == again["escalation"] == 0 and again["already_sent"] >= 2


def test_without_officers_of_its_own_the_nearest_organisation_above_is_told(mail_world, mailoutbox):
    w = mail_world  # AG-A1 has only an operator: MIN-A's security officer is told, not its supervisor
    run(SCAN_DUE - datetime.timedelta(days=3))
    assert recipients(d18_1(mailoutbox, w.system_a)) == ["officer.a@min-a.gov.vn"]


def test_overdue_notice_then_escalation_to_the_supervising_organisation(agency_officers, mailoutbox, settings):
    w = agency_officers
    run(SCAN_DUE + datetime.timedelta(days=10))
    messages = d18_1(mailoutbox, w.system_a)
    assert recipients(messages) == ["Head.A1@a1.gov.vn", "officer.a1@a1.gov.vn"]
    assert all(message.subject.startswith("[ATTT] Quá hạn D18-1: ") for message in messages)
    assert "quá hạn 10 ngày" in messages[0].body and "14 ngày" in messages[0].body

    mailoutbox.clear()
    run(SCAN_DUE + datetime.timedelta(days=14))  # on the threshold: not yet
    assert d18_1(mailoutbox, w.system_a) == []

    settings.ATTT_ESCALATION_DAYS = 30
    run(SCAN_DUE + datetime.timedelta(days=15))
    assert d18_1(mailoutbox, w.system_a) == []

    settings.ATTT_ESCALATION_DAYS = 14
    counts = run(SCAN_DUE + datetime.timedelta(days=15))
    escalated = d18_1(mailoutbox, w.system_a)
    # MIN-A's security officer and supervisor; not its auditor or administrator, not AG-A1 again.
    assert recipients(escalated) == ["officer.a@min-a.gov.vn", "supervisor.a@min-a.gov.vn"]
    assert escalated[0].subject.startswith("[ATTT] Báo cáo cấp trên: D18-1 quá hạn 15 ngày")
    assert "Tổ chức MIN-A" in escalated[0].body and "CT 18/CT-TTg, mục 1" in escalated[0].body
    assert counts["escalation"] >= 2
    mailoutbox.clear()
    run(SCAN_DUE + datetime.timedelta(days=40))
    assert d18_1(mailoutbox, w.system_a) == []  # each kind once per due date


def test_a_new_occurrence_is_reminded_again(agency_officers, mailoutbox):
    w = agency_officers
    run(SCAN_DUE - datetime.timedelta(days=5))
    evidence.record(kind="vulnerability_scan", system=w.system_a, occurred_on=D("2025-07-08"), title="Scan 2")
    mailoutbox.clear()
    run(D("2026-01-01"))  # the next scan is due on 08/01/2026
    messages = d18_1(mailoutbox, w.system_a)
    assert len(messages) == 2 and all("08/01/2026" in message.subject for message in messages)


def test_organisation_duty_overdue_for_years_is_escalated(mail_world, mailoutbox):
    w = mail_world
    telecom = make_org("TEL-C", "telecom_isp", w.root)
    make_user("head.tel", telecom, Role.HEAD, email="head@tel-c.vn")
    make_user("supervisor.root", w.root, Role.SUPERVISOR, email="supervisor@root.gov.vn")
    run(D("2025-07-01"))
    mine = [message for message in mailoutbox if "D18-5" in message.subject and "TEL-C" in message.body]
    by_kind = {message.to[0]: message for message in mine}
    assert set(by_kind) == {"head@tel-c.vn", "supervisor@root.gov.vn"}
    assert by_kind["head@tel-c.vn"].subject.startswith("[ATTT] Quá hạn D18-5: Tổ chức TEL-C")
    assert "31/10/2022" in by_kind["head@tel-c.vn"].body
    assert "/obligations/organisations/TEL-C/" in by_kind["head@tel-c.vn"].body
    assert by_kind["supervisor@root.gov.vn"].subject.startswith("[ATTT] Báo cáo cấp trên: D18-5")


def test_a_failing_mail_server_records_nothing_and_the_next_run_retries(agency_officers, mailoutbox, settings):
    w = agency_officers
    on = SCAN_DUE - datetime.timedelta(days=9)
    recompute.recompute_all(on=on)
    settings.EMAIL_BACKEND = "attt.obligations.tests.test_reminders.FailingBackend"
    counts = reminders.send_reminders(on=on)
    assert counts["failed"] >= 2 and counts["before"] == 0
    assert not ReminderSent.objects.exists() and mailoutbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    counts = reminders.send_reminders(on=on)
    assert counts["failed"] == 0
    assert recipients(d18_1(mailoutbox, w.system_a)) == ["Head.A1@a1.gov.vn", "officer.a1@a1.gov.vn"]


def test_a_reminder_recorded_by_a_concurrent_run_is_not_counted_twice(agency_officers, mailoutbox, monkeypatch):
    w = agency_officers
    on = SCAN_DUE - datetime.timedelta(days=9)
    recompute.recompute_all(on=on)
    real_send = reminders._send

    def send_then_race(connection, subject, body, email, key, **options):  # another run records it meanwhile
        ok = real_send(connection, subject, body, email, key, **options)
        duty, organisation, system, due, kind, recipient = key.split("|")
        ReminderSent.objects.get_or_create(key=key, defaults={
            "duty_id": duty, "organisation_id": organisation, "system_id": system or None, "due_on": due,
            "kind": kind, "recipient": recipient})
        return ok

    monkeypatch.setattr(reminders, "_send", send_then_race)
    counts = reminders.send_reminders(on=on)
    assert counts["before"] == 0 and counts["already_sent"] >= 2
    assert ReminderSent.objects.filter(duty_id="D18-1", system=w.system_a).count() == 2


def test_english_templates_are_the_fallback(agency_officers, mailoutbox, monkeypatch):
    w = agency_officers
    real = reminders.select_template
    monkeypatch.setattr(reminders, "select_template", lambda names: real([n for n in names if ".vi." not in n]))
    run(SCAN_DUE + datetime.timedelta(days=3))
    (message, _other) = d18_1(mailoutbox, w.system_a)
    assert message.subject.startswith("[ATTT] D18-1 overdue: ") and "3 days overdue" in message.body
    assert "Proactive threat hunting and vulnerability scanning" in message.body
    assert "Directive 18/CT-TTg, mục 1" in message.body and "Organisation AG-A1" in message.body


def test_recipients_and_sent_keys_are_loaded_in_batches_not_per_row(agency_officers, mailoutbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    on = SCAN_DUE + datetime.timedelta(days=20)
    recompute.recompute_all(on=on)
    with CaptureQueriesContext(connection) as queries:
        counts = reminders.send_reminders(on=on)
    assert counts["overdue"] > 2
    selects = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert sum("tenancy_roleassignment" in sql for sql in selects) == 1
    assert sum('FROM "obligations_dutystatus"' in sql for sql in selects) == 2  # the ids, then one chunk
    assert sum('FROM "obligations_remindersent"' in sql for sql in selects) == 1  # one chunk
    assert len(selects) <= 6  # + one per supervising organisation named in an escalation


def test_the_morning_task_refreshes_then_reminds_and_times_are_local(agency_officers, mailoutbox):
    result = tasks.send_obligation_reminders.call_local()
    assert set(result) == {"refreshed", "reminders"} and result["reminders"]["failed"] == 0
    counts = tasks.recompute_obligations_nightly.call_local()
    assert set(counts) == {"created", "updated", "deleted"}
    # The schedules are local times: huey must not compare them with UTC (06:45 would be 13:45 in Hà Nội).
    from huey.contrib.djhuey import HUEY

    assert HUEY.utc is False
