"""Crash-safe resume: a run dies in the middle of a batch; the next run sends everybody else once,
never resends a message that may have gone out (it is reported as unknown), and a human may then
send again to those. Two overlapping runs never send the same customer twice either."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.utils import timezone

from attt.obligations.models import Evidence
from attt.public import services_warnings as services
from attt.public.models import CampaignStatus, RecipientStatus, WarningCampaign

from .test_audience import new_campaign, with_telecom
from .test_warnings import FakeClock, customers, per_address, ready

HERE = "attt.public.tests.test_campaign_resume"


class Crash(BaseException):
    """The process dies (power cut, OOM kill): nothing after it runs, no except Exception catches it."""


class CrashingBackend(locmem.EmailBackend):
    """Dies on message number ``crash_at``: before delivering it, or right after (``delivered``)."""

    crash_at = 6
    delivered = False
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == self.crash_at:
            if self.delivered:
                super().send_messages(messages)
            raise Crash()
        return super().send_messages(messages)


@pytest.fixture
def campaign(world):
    return new_campaign(with_telecom(world))


@pytest.fixture
def crashing(settings):
    settings.EMAIL_BACKEND = f"{HERE}.CrashingBackend"
    CrashingBackend.calls, CrashingBackend.delivered = 0, False
    mail.outbox = []
    return CrashingBackend


def crash(campaign_pk, clock):
    with pytest.raises(Crash):
        services.run_campaign(campaign_pk, clock=clock, sleep=clock.sleep, rate_per_minute=60, batch_size=4)


def the_worker_died(campaign):
    """What a dead run leaves: no heartbeat for longer than ATTT_WARNING_STALE_MINUTES."""
    WarningCampaign.objects.filter(pk=campaign.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))


def test_crash_before_delivery_then_resume_sends_everybody_exactly_once(campaign, world, crashing):
    ready(world, campaign, customers(10))
    clock = FakeClock()
    crash(campaign.pk, clock)
    assert len(mail.outbox) == 5
    figures = services.counts(campaign)
    # Batch 2 (rows 5-8) was claimed; row 6 was handed to the server when the process died.
    assert (figures["sent"], figures["sending"], figures["queued"]) == (5, 3, 2)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    with pytest.raises(ValidationError, match="being sent right now"):
        services.start_sending(world.officer_a, campaign, queue=False)  # it looks alive for a while

    the_worker_died(campaign)
    services.start_sending(world.officer_a, campaign, queue=False)
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, rate_per_minute=60, batch_size=4)
    assert result.finished and result.sent == 4  # rows 7-10: never handed before, so safe to send
    unknown = campaign.recipients.get(status=RecipientStatus.INTERRUPTED)
    assert unknown.email == "kh6@example.vn" and "may or may not have arrived" in unknown.error
    assert per_address(mail.outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 11) if i != 6}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert Evidence.objects.filter(kind="customer_warning", organisation=world.telecom).count() == 1

    # A human checked: customer 6 never got it. Send again to the unknown ones, explicitly.
    services.start_sending(world.officer_a, campaign, resend_interrupted=True, queue=False)
    assert services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep).finished
    assert per_address(mail.outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 11)}
    assert services.counts(campaign)["sent"] == 10
    assert Evidence.objects.filter(kind="customer_warning").count() == 1  # updated, not doubled
    assert "10 customers" in Evidence.objects.get(kind="customer_warning").title


def test_crash_after_delivery_is_never_resent(campaign, world, crashing):
    crashing.delivered = True  # the server took message 6, then the process died
    ready(world, campaign, customers(10))
    clock = FakeClock()
    crash(campaign.pk, clock)
    the_worker_died(campaign)
    services.start_sending(world.officer_a, campaign, queue=False)
    assert services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, batch_size=4).finished
    counts = per_address(mail.outbox)
    assert counts == {f"kh{i}@example.vn": 1 for i in range(1, 11)}  # exactly once each, nobody twice
    assert services.counts(campaign)["interrupted"] == 1


def test_the_task_restarting_after_a_crash_resumes_without_duplicates(campaign, world, crashing, settings,
                                                                      django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    from attt.public.tasks import resume_stalled_campaigns, send_campaign

    settings.ATTT_WARNING_RATE_PER_MINUTE = 0
    settings.ATTT_WARNING_BATCH = 3
    crashing.crash_at = 2
    ready(world, campaign, customers(7))
    previous, HUEY.immediate = HUEY.immediate, True  # tasks run in-process, as the worker would
    try:
        with pytest.raises(Crash):
            send_campaign.call_local(campaign.pk)
        assert len(mail.outbox) == 1
        the_worker_died(campaign)
        with django_capture_on_commit_callbacks(execute=True):
            assert resume_stalled_campaigns.call_local() == [campaign.pk]
    finally:
        HUEY.immediate = previous
    assert per_address(mail.outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 8) if i != 2}
    assert list(campaign.recipients.filter(status=RecipientStatus.INTERRUPTED).values_list("email", flat=True)) == [
        "kh2@example.vn"]


class TakeoverBackend(locmem.EmailBackend):
    """While run A hands message 2, run B starts (a second worker, a restart judged too early)
    and sends the whole campaign; then A's call returns and A carries on."""

    started = False
    clock = None

    def send_messages(self, messages):
        if not TakeoverBackend.started and len(mail.outbox) == 1:
            TakeoverBackend.started = True
            services.run_campaign(WarningCampaign.objects.get().pk, clock=self.clock, sleep=self.clock.sleep,
                                  rate_per_minute=0, batch_size=4)
        return super().send_messages(messages)


def test_two_overlapping_runs_never_send_twice(campaign, world, settings):
    settings.EMAIL_BACKEND = f"{HERE}.TakeoverBackend"
    TakeoverBackend.started, TakeoverBackend.clock = False, FakeClock()
    mail.outbox = []
    ready(world, campaign, customers(9))
    clock = TakeoverBackend.clock
    result = services.run_campaign(campaign.pk, clock=clock, sleep=clock.sleep, rate_per_minute=0, batch_size=4)
    assert result.stopped == "superseded" and not result.finished
    assert per_address(mail.outbox) == {f"kh{i}@example.vn": 1 for i in range(1, 10)}
    # Run B judged message 2 unknown; run A then learnt it was delivered, and the record says so.
    assert services.counts(campaign)["sent"] == 9
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
