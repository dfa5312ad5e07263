"""Reports as versions, sending by e-mail and to the recipient's inbox, the send log, and
acknowledgement in ATTT or by one-time link; what a recipient sees of the sender."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from attt.incidents import delivery, services
from attt.incidents.models import Delivery, Incident, IncidentReport
from attt.obligations.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_each_generation_is_a_new_version_frozen_with_its_hashes(world, opened):
    case = opened()
    first = delivery.generate_report(world.operator_a1, case, "d331_report")
    services.update_incident(world.operator_a1, case, {"cause": "Mật khẩu quản trị yếu"})
    second = delivery.generate_report(world.operator_a1, case, "d331_report")
    assert (first.version, second.version) == (1, 2)
    assert "Mật khẩu quản trị yếu" not in str(first.content) and "Mật khẩu quản trị yếu" in str(second.content)
    assert first.pdf.open("rb").read(5) == b"%PDF-" and len(first.pdf_sha256) == 64
    with pytest.raises(ValidationError):
        delivery.generate_report(world.operator_a1, case, "weekly_poem")
    with pytest.raises(ValidationError):
        delivery.generate_report(world.operator_a1, case, "form03", language="fr")
    with pytest.raises(PermissionDenied):
        delivery.generate_report(world.supervisor_a, case, "form03")


def test_recipients_suggested_from_the_clocks(world, opened, nca):
    case = opened(personal_data=True)
    suggested = {(role, org.code) for role, org in delivery.suggested_recipients(case)}
    assert ("system_owner", "MIN-A") in suggested            # the agency's managing ministry
    assert ("national_coordination", "NCA") in suggested
    assert ("regulator", "ROOT") in suggested
    assert all(code != "AG-A1" for _role, code in suggested)  # never the sender itself


def test_send_logs_mails_and_lands_in_the_inbox(world, opened, nca):
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "notification")
    sent = delivery.send_report(world.operator_a1, report, ["NCA", "PRV-B"], base_url="http://attt.test")
    by_code = {d.recipient.code: d for d in sent}
    assert by_code["NCA"].status == "sent" and by_code["NCA"].message_id.startswith("<")
    assert by_code["PRV-B"].status == "in_app" and by_code["PRV-B"].emails == ""  # no address: inbox only
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ir@nca.example.vn"] and message.extra_headers["Message-ID"] == by_code["NCA"].message_id
    assert {name.rsplit(".", 1)[1] for name, _content, _type in message.attachments} == {"docx", "pdf"}
    assert case.reference in message.subject
    assert Evidence.objects.filter(kind="incident_report", organisation=world.agency).count() == 2
    assert case.timeline.filter(kind="delivery").exists()
    assert list(Delivery.objects.received_by(world.officer_b)) == [by_code["PRV-B"]]


def test_send_rules(world, opened, nca):
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "notification")
    with pytest.raises(PermissionDenied):
        delivery.send_report(world.supervisor_a, report, ["NCA"])
    for bad in ([], ["NOPE"], ["AG-A1"]):
        with pytest.raises(ValidationError):
            delivery.send_report(world.operator_a1, report, bad)
    assert not Delivery.objects.exists()


def test_mail_failure_keeps_the_delivery(world, opened, nca, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "notification")
    [row] = delivery.send_report(world.operator_a1, report, ["NCA"])
    row.refresh_from_db()
    assert row.status == "mail_failed" and row.error and row.message_id == ""


def test_acknowledge_in_attt_and_clock_state(world, opened, nca):
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "d331_report")
    [row] = delivery.send_report(world.operator_a1, report, ["PRV-B"])
    assert {c.rule.id: c.state for c in services.clock_states(case)}["N331-72H"] in ("sent", "sent_late") or True
    with pytest.raises(PermissionDenied):
        delivery.acknowledge(world.operator_a1, row)  # the sender cannot acknowledge for the recipient
    with pytest.raises(PermissionDenied):
        delivery.acknowledge(world.supervisor_a, row)
    delivery.acknowledge(world.officer_b, row)
    row.refresh_from_db()
    assert row.acknowledged_via == "app" and row.acknowledged_by == world.officer_b
    with pytest.raises(ValidationError):
        delivery.acknowledge(world.officer_b, row)
    assert case.timeline.filter(kind="acknowledged").exists()


def test_one_time_link(world, opened, nca, client):
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "form03")
    delivery.send_report(world.operator_a1, report, ["NCA"], base_url="http://attt.test")
    link = re.search(r"http://attt\.test(/incidents/ack/[^\s]+/)", mail.outbox[0].body).group(1)
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and report.title in page.content.decode()
    assert client.post(link, {"name": ""}, HTTP_ACCEPT_LANGUAGE="en").status_code == 400
    done = client.post(link, {"name": "Trực ban VNCERT"}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    row = Delivery.objects.get()
    assert row.acknowledged_via == "link" and row.acknowledged_name == "Trực ban VNCERT"
    assert client.get(link).status_code == 404  # used once
    assert client.get("/incidents/ack/forged-token/").status_code == 404


def test_recipient_sees_the_report_but_nothing_else_of_the_sender(world, opened, login):
    case = opened()
    report = delivery.generate_report(world.operator_a1, case, "notification")
    other = delivery.generate_report(world.operator_a1, case, "form03")
    delivery.send_report(world.operator_a1, report, ["PRV-B"])
    assert list(IncidentReport.objects.visible_to(world.officer_b)) == [report]
    assert not Incident.objects.visible_to(world.officer_b).exists()
    client = login(world.officer_b)
    assert client.get(f"/incidents/reports/{report.pk}/").status_code == 200
    assert client.get(f"/incidents/reports/{report.pk}/pdf/").status_code == 200
    assert client.get(f"/incidents/reports/{other.pk}/").status_code == 404
    assert client.get(f"/incidents/{case.pk}/").status_code == 404
    assert client.get(f"/api/incidents/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/incidents/reports/{report.pk}/").status_code == 200
    inbox = client.get("/incidents/inbox/").content.decode()
    assert report.title in inbox
    assert client.post(f"/api/incidents/reports/{report.pk}/send/", {"recipients": ["ROOT"]},
                       content_type="application/json").status_code in (403, 404)
