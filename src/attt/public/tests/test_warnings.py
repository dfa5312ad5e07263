"""Sending a customer warning campaign: batches over one connection each, the rate limit (a fake
clock, so nobody waits), retries with backoff then failure with the reason, pause and resume,
evidence for D18-6, the public warning pages, and the web, API and CLI around them."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends import locmem
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from typer.testing import CliRunner

from attt.cli.main import app
from attt.obligations.models import Evidence
from attt.public import services_warnings as services
from attt.public.models import CampaignStatus, RecipientStatus, WarningCampaign

from .test_audience import WARNING, csv_bytes, new_campaign, with_telecom

HERE = "attt.public.tests.test_warnings"


class FakeClock:
    """``clock()`` and ``sleep(seconds)`` for the sender: sleeping moves the clock, nobody waits."""

    def __init__(self):
        self.now = timezone.now()
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class CountingBackend(locmem.EmailBackend):
    """The test outbox, counting the connections made (one per batch)."""

    connections = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).connections += 1


class FailingBackend(locmem.EmailBackend):
    """Refuses the addresses in ``failing``; ``flaky`` ones fail once, then go through."""

    failing: set = set()
    flaky: set = set()

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address in self.failing:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 mailbox unavailable")})
            if address in self.flaky:
                self.flaky.discard(address)
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DownBackend(locmem.EmailBackend):
    def open(self):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


@pytest.fixture
def campaign(world):
    return new_campaign(with_telecom(world))


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = f"{HERE}.CountingBackend"
    CountingBackend.connections = 0
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def immediate_worker(settings):
    """Run queued huey tasks in-process, as the worker would, without waiting for the rate limit."""
    settings.ATTT_WARNING_RATE_PER_MINUTE = 0
    previous, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = previous


def customers(n, prefix="kh"):
    return [(f"Khách {i}", f"{prefix}{i}@example.vn", "", f"KH{i}") for i in range(1, n + 1)]


def ready(world, campaign, rows):
    services.import_audience(world.officer_a, campaign, csv_bytes(rows), "list.csv")
    return services.start_sending(world.officer_a, campaign, queue=False)


def per_address(box):
    counts = {}
    for message in box:
        for address in message.to:
            counts[address] = counts.get(address, 0) + 1
    return counts


def test_batches_rate_limit_messages_and_evidence(campaign, world, outbox):
    ready(world, campaign, customers(10))
    clock = FakeClock()
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, rate_per_minute=6, batch_size=4)
    assert result.finished and result.sent == 10
    assert CountingBackend.connections == 3  # 4 + 4 + 2: one connection per batch
    # Six a minute: ten seconds between messages, nine gaps.
    assert sum(clock.sleeps) == pytest.approx(90) and all(s == pytest.approx(10) for s in clock.sleeps)
    assert per_address(outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 11)}
    message = outbox[0]
    assert message.to == ["kh1@example.vn"] and message.reply_to == ["cskh@vt-a.vn"]
    assert message.subject == "[Tổ chức VT-A] " + WARNING["title"]
    assert message.body.startswith("Kính gửi Khách 1,") or message.body.startswith("Dear Khách 1,")
    assert WARNING["advice"] in message.body and "/o/VT-A/report/" in message.body
    row = campaign.recipients.get(email="kh1@example.vn")
    assert row.status == RecipientStatus.SENT and row.message_id == message.extra_headers["Message-ID"]
    assert row.attempts == 1 and row.sent_at is not None
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.sent_by == world.officer_a and campaign.sent_at
    proof = Evidence.objects.get(kind="customer_warning")
    assert proof.organisation == world.telecom and "10 customers" in proof.title
    assert services.counts(campaign)["sent"] == 10


def test_retries_with_backoff_then_failed_with_the_reason(campaign, world, outbox, settings):
    settings.EMAIL_BACKEND = f"{HERE}.FailingBackend"
    FailingBackend.failing, FailingBackend.flaky = {"kh2@example.vn"}, {"kh3@example.vn"}
    ready(world, campaign, customers(4))
    clock = FakeClock()
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, rate_per_minute=0, batch_size=10,
                                   max_attempts=3)
    assert result.finished
    rows = {r.email: r for r in campaign.recipients.all()}
    failed = rows["kh2@example.vn"]
    assert (failed.status, failed.attempts) == (RecipientStatus.FAILED, 3)
    assert "SMTPRecipientsRefused" in failed.error and "mailbox unavailable" in failed.error
    assert (rows["kh3@example.vn"].status, rows["kh3@example.vn"].attempts) == (RecipientStatus.SENT, 2)
    # Waited for the retries (60 s, then 120 s) instead of hammering the server.
    assert sum(clock.sleeps) >= 180
    assert per_address(outbox) == {"kh1@example.vn": 1, "kh3@example.vn": 1, "kh4@example.vn": 1}
    figures = services.counts(campaign)
    assert (figures["sent"], figures["failed"], figures["queued"], figures["sending"]) == (3, 1, 0, 0)
    assert Evidence.objects.filter(kind="customer_warning").count() == 1


def test_nobody_reached_records_no_evidence(campaign, world, outbox, settings):
    settings.EMAIL_BACKEND = f"{HERE}.DownBackend"
    ready(world, campaign, customers(2))
    clock = FakeClock()
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, max_attempts=2)
    assert result.finished and result.sent == 0
    assert set(campaign.recipients.values_list("status", "attempts")) == {(RecipientStatus.FAILED, 2)}
    assert "Connection refused" in campaign.recipients.first().error
    assert not Evidence.objects.filter(kind="customer_warning").exists()


class PausingBackend(locmem.EmailBackend):
    """Somebody presses "pause" while the third message goes out."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) == 3:
            campaign = WarningCampaign.objects.get()
            services.pause(campaign.created_by, campaign)
        return sent


def test_pause_then_resume_sends_the_rest_once(campaign, world, outbox, settings):
    settings.EMAIL_BACKEND = f"{HERE}.PausingBackend"
    ready(world, campaign, customers(8))
    clock = FakeClock()
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, rate_per_minute=30, batch_size=5)
    assert (result.finished, result.stopped, len(outbox)) == (False, "paused", 3)
    figures = services.counts(campaign)
    assert (figures["sent"], figures["queued"], figures["sending"]) == (3, 5, 0)  # claimed rows given back
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    settings.EMAIL_BACKEND = f"{HERE}.CountingBackend"
    services.start_sending(world.officer_a, campaign, queue=False)
    assert services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep).finished
    assert per_address(outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 9)}


def test_who_may_send_and_when(campaign, world, outbox):
    with pytest.raises(ValidationError, match="customer list first"):
        services.start_sending(world.officer_a, campaign, queue=False)
    for outsider in (world.officer_b, world.supervisor_a, world.auditor_a):
        with pytest.raises(PermissionDenied):
            services.start_sending(outsider, campaign, queue=False)
        with pytest.raises(PermissionDenied):
            services.update_campaign(outsider, campaign, {"title": "x"})
    with pytest.raises(PermissionDenied):
        new_campaign(world, organisation=world.province)
    with pytest.raises(ValidationError) as caught:
        services.create_campaign(world.officer_a, world.telecom, {"title": "", "risk": "x", "advice": ""})
    assert set(caught.value.message_dict) == {"title", "advice"}
    with pytest.raises(ValidationError, match="Vietnamese or English"):
        services.update_campaign(world.officer_a, campaign, {"language": "fr"})
    ready(world, campaign, customers(2))
    with pytest.raises(ValidationError, match="being sent right now"):
        services.start_sending(world.officer_a, campaign, queue=False)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.update_campaign(world.officer_a, campaign, {"title": "Changed"})
    services.run_campaign(campaign.pk, rate_per_minute=0)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="has been sent"):
        services.start_sending(world.officer_a, campaign, queue=False)
    with pytest.raises(ValidationError, match="Only a campaign being sent"):
        services.pause(world.officer_a, campaign)


def test_public_page_shows_only_public_sent_campaigns(campaign, world, outbox, client):
    services.update_campaign(world.officer_a, campaign, {"public": True})
    hidden = new_campaign(world, title="Nội bộ không công bố", public=False)
    draft = new_campaign(world, title="Bản nháp công khai", public=True)
    for item in (campaign, hidden):
        ready(world, item, customers(1))
        services.run_campaign(item.pk, rate_per_minute=0)
    page = client.get("/o/vt-a/warnings/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200 and WARNING["title"] in text
    assert "Nội bộ không công bố" not in text and "Bản nháp công khai" not in text
    detail = client.get(f"/o/VT-A/warnings/{campaign.pk}/")
    assert detail.status_code == 200 and WARNING["advice"] in detail.content.decode()
    assert "/o/VT-A/report/" in detail.content.decode()
    for pk in (hidden.pk, draft.pk):
        assert client.get(f"/o/VT-A/warnings/{pk}/").status_code == 404
    assert client.get(f"/o/PRV-B/warnings/{campaign.pk}/").status_code == 404  # not under another code
    assert client.get("/o/NOPE/warnings/").status_code == 404


def test_stalled_runs_are_restarted_by_the_periodic_task(campaign, world, outbox, immediate_worker,
                                                         django_capture_on_commit_callbacks):
    ready(world, campaign, customers(3))
    assert services.resume_stalled() == []  # just started: alive
    WarningCampaign.objects.filter(pk=campaign.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=30))
    from attt.public.tasks import resume_stalled_campaigns

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stalled_campaigns.call_local() == [campaign.pk]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and len(outbox) == 3


# --- web, API, CLI ------------------------------------------------------------------------------

def test_web_pages(campaign, world, login, outbox, immediate_worker, django_capture_on_commit_callbacks):
    client = login(world.officer_a)
    assert client.get("/warnings/").status_code == 200
    assert client.get("/warnings/new/").status_code == 200
    created = client.post("/warnings/new/", {"organisation": "AG-A1", "title": "Cảnh báo web", "risk": "Rủi ro",
                                              "advice": "Làm gì", "language": "en", "public": "on"})
    web = WarningCampaign.objects.get(title="Cảnh báo web")
    assert created.status_code == 302 and created["Location"] == f"/warnings/{web.pk}/audience/"
    assert web.public and web.language == "en" and web.created_by == world.officer_a
    refused = client.post("/warnings/new/", {"organisation": "AG-A1", "title": "", "risk": "", "advice": ""})
    assert refused.status_code == 400 and WarningCampaign.objects.count() == 2
    detail = client.get(f"/warnings/{web.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not marked as a telecom" in detail and "/o/AG-A1/report/" in detail
    bad = client.post(f"/warnings/{web.pk}/audience/", {"file": SimpleUploadedFile(
        "l.csv", csv_bytes([("An", "an@example", "", "")]))}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "not a valid e-mail address" in bad.content.decode()
    assert not web.recipients.exists()
    good = client.post(f"/warnings/{web.pk}/audience/", {"file": SimpleUploadedFile("l.csv", csv_bytes(customers(3)))})
    assert good.status_code == 302 and web.recipients.count() == 3
    assert client.post(f"/warnings/{web.pk}/edit/", {"title": "Cảnh báo web 2", "risk": "R", "advice": "A",
                                                     "language": "en"}).status_code == 302
    web.refresh_from_db()
    assert web.title == "Cảnh báo web 2" and not web.public  # an unticked box un-publishes
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/warnings/{web.pk}/send/").status_code == 302
    web.refresh_from_db()
    assert web.status == CampaignStatus.SENT and len(outbox) == 3
    page = client.get(f"/warnings/{web.pk}/?status=sent").content.decode()
    assert "kh1@example.vn" in page and "<progress" in page
    assert "kh1@example.vn" not in client.get(f"/warnings/{web.pk}/?status=failed").content.decode()
    progress = client.get(f"/warnings/{web.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert client.post(f"/warnings/{web.pk}/pause/").status_code == 302  # not sending: a message, no change
    supervisor = login(world.supervisor_a)
    assert supervisor.get(f"/warnings/{web.pk}/").status_code == 200
    assert supervisor.get(f"/warnings/{web.pk}/edit/").status_code == 403
    assert supervisor.get(f"/warnings/{web.pk}/audience/").status_code == 403


def test_web_progress_polls_while_sending(campaign, world, login, outbox):
    ready(world, campaign, customers(2))
    page = login(world.officer_a).get(f"/warnings/{campaign.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and f"/warnings/{campaign.pk}/progress/" in page
    partial = login(world.officer_a).get(f"/warnings/{campaign.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial and 'hx-trigger="every 2s"' in partial.content.decode()


def test_api(world, login, outbox, immediate_worker, django_capture_on_commit_callbacks):
    with_telecom(world)
    client = login(world.officer_a)
    created = client.post("/api/public/warnings/", {**WARNING, "organisation": "vt-a"}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["how_to_report_text"].endswith("/o/VT-A/report/.")
    assert client.patch(f"/api/public/warnings/{pk}/", {"public": True},
                        content_type="application/json").json()["public"] is True
    bad = client.post(f"/api/public/warnings/{pk}/audience/", {"file": SimpleUploadedFile(
        "l.csv", csv_bytes([("An", "an@", "", ""), ("", "b@example.vn", "", "")]))})
    assert bad.status_code == 400 and [p["row"] for p in bad.json()["problems"]] == [2, 3]
    good = client.post(f"/api/public/warnings/{pk}/audience/", {"file": SimpleUploadedFile(
        "l.csv", csv_bytes(customers(3)))})
    assert good.status_code == 200 and good.json()["counts"]["queued"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/public/warnings/{pk}/send/", {}, content_type="application/json")
    assert sent.status_code == 202
    detail = client.get(f"/api/public/warnings/{pk}/").json()
    assert detail["status"] == "sent" and detail["counts"]["sent"] == 3 and detail["public_url"].endswith(
        f"/o/VT-A/warnings/{pk}/")
    rows = client.get(f"/api/public/warnings/{pk}/deliveries/?status=sent").json()
    assert rows["count"] == 3 and rows["results"][0]["message_id"]
    assert client.get(f"/api/public/warnings/{pk}/deliveries/?status=failed").json()["count"] == 0
    assert client.post(f"/api/public/warnings/{pk}/pause/").status_code == 400
    assert client.get("/api/public/warnings/?status=sent").json()["count"] == 1
    other = login(world.officer_b)
    assert other.get(f"/api/public/warnings/{pk}/").status_code == 404
    assert other.get("/api/public/warnings/").json()["count"] == 0


def test_cli(campaign, world, outbox, tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([("An", "nope", "", "")]))
    result = runner.invoke(app, ["warnings", "import", str(campaign.pk), str(bad)])
    assert result.exit_code == 1 and "nothing was stored" in result.output
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(customers(4)))
    result = runner.invoke(app, ["warnings", "import", str(campaign.pk), str(good), "--user", "officer.a"])
    assert result.exit_code == 0, result.output
    assert "4 customers imported" in result.output
    assert runner.invoke(app, ["warnings", "send", str(campaign.pk), "--user", "officer.b"]).exit_code == 2
    result = runner.invoke(app, ["warnings", "send", str(campaign.pk), "--user", "officer.a", "--no-rate-limit"])
    assert result.exit_code == 0, result.output
    assert len(outbox) == 4
    result = runner.invoke(app, ["warnings", "status", str(campaign.pk)])
    assert result.exit_code == 0 and "sent" in result.output
    assert runner.invoke(app, ["warnings", "status", "999999"]).exit_code == 2
