"""Customer warning campaigns (Directive 18 mục 5, duty D18-6): write the warning, import the
customer list, send it by e-mail in batches with a rate limit and retries, pause and resume.
No HTTP here; the web, the API, the huey task and the CLI all call these functions.

**At most once.** Nobody receives a campaign twice, whatever crashes. Each sending run takes a
fresh token and owns the campaign while ``campaign.run_token`` is its token. A run

1. claims a batch of due rows with one ``UPDATE … SET status='sending', claim_token=<run>
   WHERE status='queued' AND id IN (…)`` and works only on the rows it claimed;
2. before each message writes ``handed_at`` (``WHERE status='sending' AND claim_token=<run>``,
   committed: we run outside any transaction), then gives the message to the mail server, then
   records the answer: sent (time, Message-ID), or a failure (retried later with backoff until
   ``ATTT_WARNING_MAX_ATTEMPTS``, then failed with the reason).

A new run (resume, restart of a dead task) first recovers the rows left in ``sending`` by older
runs: never handed → queued again (the mail server never saw them); handed without an answer →
``interrupted``, shown as "unknown (interrupted)" and never resent automatically. A human may
requeue them explicitly (``start_sending(..., resend_interrupted=True)``), accepting that some of
those customers may get the warning twice. A mail-server error counts as "not delivered" and is
retried: that is the one case where a server that accepted a message and then failed to answer
could cause a repeat, as with any SMTP client.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from attt import mailing
from attt.obligations import evidence
from attt.tenancy.audit import stored_user
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import audience as audience_files
from .models import CampaignStatus, RecipientStatus, WarningCampaign, WarningRecipient

TEXT_FIELDS = ("title", "risk", "affected_services", "advice", "how_to_report")
LIMITS = {"title": 300}
REQUIRED = ("title", "risk", "advice")
CHECK_SECONDS = 2  # how often a run re-reads the campaign (pause, takeover) between messages
MAX_WAIT_SECONDS = 30  # a run waiting for retries wakes this often to stay alive and pausable


def setting(name: str, default):
    return type(default)(getattr(settings, name, default))


# --- rights ----------------------------------------------------------------------------------

def can_send(user, organisation) -> bool:
    return organisation is not None and scope_for(user).can(Permission.SEND_CUSTOMER_WARNINGS, organisation)


def require_send(user, organisation):
    if not can_send(user, organisation):
        raise PermissionDenied(_("You may not send customer warnings for this organisation."))


# --- the warning -----------------------------------------------------------------------------

def organisation_name(organisation, language: str) -> str:
    return organisation.name_en if language == "en" and organisation.name_en else organisation.name_vi


def public_base() -> str:
    """Where customers reach ATTT's public pages (ATTT_PUBLIC_BASE_URL, else ATTT_BASE_URL)."""
    return (getattr(settings, "ATTT_PUBLIC_BASE_URL", "") or settings.ATTT_BASE_URL).rstrip("/")


def intake_url(organisation) -> str:
    return public_base() + reverse("public-intake", kwargs={"code": organisation.code})


def public_url(campaign) -> str:
    return public_base() + reverse("public-warning", kwargs={"code": campaign.organisation.code, "pk": campaign.pk})


def default_how_to_report(organisation, language: str = "vi") -> str:
    with translation.override(language):
        return _("Report an incident or a suspicious message to %(name)s through its form at %(url)s.") % {
            "name": organisation_name(organisation, language), "url": intake_url(organisation)}


def how_to_report(campaign) -> str:
    return campaign.how_to_report or default_how_to_report(campaign.organisation, campaign.language)


def _clean(data: dict) -> dict:
    cleaned = {name: str(data.get(name) or "").strip() for name in TEXT_FIELDS if name in data}
    errors = {}
    for name in REQUIRED:
        if name in cleaned and not cleaned[name]:
            errors[name] = [_("This field is required.")]
    for name, limit in LIMITS.items():
        if len(cleaned.get(name, "")) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    if "language" in data:
        if data["language"] not in ("vi", "en"):
            errors["language"] = [_("Warnings are written in Vietnamese or English.")]
        cleaned["language"] = data["language"]
    if "public" in data:
        cleaned["public"] = data["public"] in (True, "true", "True", "on", "1", 1)
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_campaign(user, organisation, data: dict) -> WarningCampaign:
    require_send(user, organisation)
    missing = {name: [_("This field is required.")] for name in REQUIRED if not str(data.get(name) or "").strip()}
    if missing:
        raise ValidationError(missing)
    campaign = WarningCampaign(organisation=organisation, created_by=stored_user(user), **_clean(data))
    campaign.save()
    return campaign


def _locked(campaign, lock=True) -> WarningCampaign:
    """The campaign as stored now (locked for the transaction), not as the caller last read it."""
    rows = WarningCampaign.objects.select_related("organisation")
    return (rows.select_for_update() if lock else rows).get(pk=campaign.pk)


def _require_draft(campaign, message):
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(message)


def update_campaign(user, campaign, data: dict) -> WarningCampaign:
    require_send(user, campaign.organisation)
    with transaction.atomic():
        campaign = _locked(campaign)
        _require_draft(campaign, _("Only a draft can be changed: this warning has already gone out."))
        for name, value in _clean(data).items():
            setattr(campaign, name, value)
        campaign.save()
    return campaign


def import_audience(user, campaign, source, filename="", progress=None) -> int:
    """Replace the campaign's customer list with a CSV or XLSX file; all or nothing."""
    require_send(user, campaign.organisation)
    frozen = _("The customer list of a campaign that has started sending cannot be replaced.")
    _require_draft(_locked(campaign, lock=False), frozen)
    if source is None:
        raise ValidationError({"file": _("Choose a CSV or XLSX file.")})
    found = audience_files.read_audience(source, filename)  # long: read before taking the lock
    with transaction.atomic():
        campaign = _locked(campaign)
        _require_draft(campaign, frozen)
        return audience_files.store(campaign, found, filename or getattr(source, "name", ""), progress=progress)


# --- figures ---------------------------------------------------------------------------------

def counts(campaign) -> dict:
    """Recipients per status (every status present), plus "total" and "done"."""
    found = dict(WarningRecipient.objects.filter(campaign=campaign).order_by().values_list("status")
                 .annotate(n=Count("id")).values_list("status", "n"))
    result = {status: found.get(status, 0) for status in RecipientStatus.values}
    result["total"] = sum(found.values())
    result["done"] = result["sent"] + result["failed"] + result["interrupted"]
    result["percent"] = int(100 * result["done"] / result["total"]) if result["total"] else 0
    return result


def is_stale(campaign, now=None) -> bool:
    """A campaign marked sending whose run has given no sign of life for ATTT_WARNING_STALE_MINUTES."""
    limit = timedelta(minutes=setting("ATTT_WARNING_STALE_MINUTES", 10))
    return campaign.heartbeat_at is None or campaign.heartbeat_at < (now or timezone.now()) - limit


# --- starting and pausing --------------------------------------------------------------------

def start_sending(user, campaign, *, resend_interrupted=False, queue=True) -> WarningCampaign:
    """Send (draft), resume (paused), restart a dead run (sending, stale) or, with
    ``resend_interrupted``, send again to the recipients whose delivery is unknown."""
    require_send(user, campaign.organisation)
    with transaction.atomic():
        campaign = _locked(campaign)
        rows = WarningRecipient.objects.filter(campaign=campaign)
        if not rows.exists():
            raise ValidationError(_("Import the customer list first."))
        if campaign.status == CampaignStatus.SENDING and not is_stale(campaign):
            raise ValidationError(_("This campaign is being sent right now."))
        requeued = 0
        if resend_interrupted:
            requeued = rows.filter(status=RecipientStatus.INTERRUPTED).update(
                status=RecipientStatus.QUEUED, claim_token="", claimed_at=None, handed_at=None, next_attempt_at=None,
                error="")
        if campaign.status == CampaignStatus.SENT and not requeued:
            raise ValidationError(_("This campaign has been sent; nobody is waiting for it."))
        now = timezone.now()
        campaign.status = CampaignStatus.SENDING
        campaign.sent_by = stored_user(user) or campaign.sent_by
        campaign.send_started_at = campaign.send_started_at or now
        campaign.sent_at = None
        campaign.heartbeat_at = now
        campaign.save()
        if queue:
            queue_run(campaign)
    return campaign


def queue_run(campaign):
    """Run the sending on the task worker once the change is committed."""
    from .tasks import send_campaign

    transaction.on_commit(lambda: send_campaign(campaign.pk))


def pause(user, campaign) -> WarningCampaign:
    require_send(user, campaign.organisation)
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status != CampaignStatus.SENDING:
            raise ValidationError(_("Only a campaign being sent can be paused."))
        campaign.status = CampaignStatus.PAUSED
        campaign.save()
    return campaign


def resume_stalled(now=None) -> list[int]:
    """Restart the campaigns whose run died (worker crash or restart): called periodically."""
    ids = [c.pk for c in WarningCampaign.objects.filter(status=CampaignStatus.SENDING) if is_stale(c, now)]
    for pk in ids:
        WarningCampaign.objects.filter(pk=pk).update(heartbeat_at=now or timezone.now())
        queue_run(WarningCampaign(pk=pk))
    return ids


# --- sending ---------------------------------------------------------------------------------

class RateLimiter:
    """At most ``per_minute`` messages a minute, evenly spaced (``0``: no limit)."""

    def __init__(self, per_minute, clock, sleep):
        self.interval = timedelta(seconds=60.0 / per_minute) if per_minute else None
        self.clock, self.sleep, self.next_at = clock, sleep, None

    def wait(self):
        if self.interval is None:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep((self.next_at - now).total_seconds())
            now = max(self.clock(), self.next_at)
        self.next_at = now + self.interval


@dataclass
class RunResult:
    finished: bool  # the campaign is sent (nothing queued any more)
    stopped: str  # "", "paused", "superseded", "not sending"
    sent: int = 0
    failed_attempts: int = 0


class _Mailer:
    """Builds one campaign's messages: the text once, the greeting per recipient."""

    def __init__(self, campaign):
        self.campaign = campaign
        language = campaign.language
        with translation.override(language):
            org = organisation_name(campaign.organisation, language)
            self.subject = f"[{org}] {campaign.title}"
            parts = [campaign.risk]
            if campaign.affected_services:
                parts.append(f"{_('Affected services')}:\n{campaign.affected_services}")
            parts.append(f"{_('What you should do')}:\n{campaign.advice}")
            parts.append(f"{_('How to report an incident')}:\n{how_to_report(campaign)}")
            if campaign.public:
                parts.append(_("This warning is also published at %(url)s") % {"url": public_url(campaign)})
            parts.append(_("You receive this warning as a customer of %(name)s.") % {"name": org})
            self.body = "\n\n".join(parts) + "\n"
            self.greeting = _("Dear %(name)s,")
            self.greeting_anonymous = _("Dear customer,")
        self.reply_to = [campaign.organisation.email] if campaign.organisation.email else []

    def message(self, row) -> tuple[EmailMessage, str]:
        greeting = self.greeting % {"name": row.name} if row.name else self.greeting_anonymous
        message_id = mailing.new_message_id()
        # One message per customer: a customer never sees another customer's address.
        return EmailMessage(self.subject, f"{greeting}\n\n{self.body}", settings.DEFAULT_FROM_EMAIL, [row.email],
                            reply_to=self.reply_to, headers={"Message-ID": message_id}), message_id


class _Run:
    def __init__(self, campaign, token, clock, sleep, rate, batch, max_attempts, progress):
        self.campaign, self.token, self.clock, self.sleep = campaign, token, clock, sleep
        self.batch, self.max_attempts, self.progress = batch, max_attempts, progress
        self.limiter = RateLimiter(rate, clock, sleep)
        self.mailer = _Mailer(campaign)
        self.retry_seconds = setting("ATTT_WARNING_RETRY_SECONDS", 60)
        self.rows = WarningRecipient.objects.filter(campaign=campaign)
        self.last_check = None
        self.result = RunResult(finished=False, stopped="")

    def still_mine(self, force=False) -> bool:
        """Re-read the campaign (at most every CHECK_SECONDS) and leave a heartbeat."""
        now = self.clock()
        if not force and self.last_check is not None and (now - self.last_check).total_seconds() < CHECK_SECONDS:
            return True
        self.last_check = now
        mine = WarningCampaign.objects.filter(pk=self.campaign.pk, status=CampaignStatus.SENDING,
                                              run_token=self.token).update(heartbeat_at=now)
        if not mine:
            # Paused or taken over: give back what we claimed but never handed.
            self.rows.filter(status=RecipientStatus.SENDING, claim_token=self.token, handed_at__isnull=True).update(
                status=RecipientStatus.QUEUED, claim_token="", claimed_at=None)
            status = WarningCampaign.objects.filter(pk=self.campaign.pk).values_list("status", flat=True).first()
            self.result.stopped = "paused" if status == CampaignStatus.PAUSED else "superseded"
        return bool(mine)

    def claim(self) -> list[WarningRecipient] | None:
        """Claim the next due batch; [] when only later retries remain, None when nothing is left."""
        now = self.clock()
        due = self.rows.filter(status=RecipientStatus.QUEUED).exclude(next_attempt_at__gt=now)
        ids = list(due.order_by("id").values_list("id", flat=True)[: self.batch])
        if not ids:
            return [] if self.rows.filter(status=RecipientStatus.QUEUED).exists() else None
        self.rows.filter(id__in=ids, status=RecipientStatus.QUEUED).update(
            status=RecipientStatus.SENDING, claim_token=self.token, claimed_at=now, handed_at=None)
        return list(self.rows.filter(id__in=ids, status=RecipientStatus.SENDING, claim_token=self.token,
                                     handed_at__isnull=True).order_by("id"))

    def wait_for_retries(self):
        earliest = self.rows.filter(status=RecipientStatus.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
        seconds = (earliest - self.clock()).total_seconds() if earliest else 0
        self.sleep(min(max(seconds, 0.05), MAX_WAIT_SECONDS))

    def failed(self, row, reason: str):
        attempts = row.attempts + 1
        self.result.failed_attempts += 1
        changes = {"attempts": attempts, "error": reason[:500], "claim_token": "", "handed_at": None}
        if attempts >= self.max_attempts:
            changes["status"] = RecipientStatus.FAILED
        else:
            changes["status"] = RecipientStatus.QUEUED
            changes["next_attempt_at"] = self.clock() + timedelta(seconds=self.retry_seconds * 2 ** (attempts - 1))
        # Truth wins: even if a newer run marked the row interrupted meanwhile, we know the answer.
        self.rows.filter(pk=row.pk, claim_token=self.token).update(**changes)
        return changes["status"] == RecipientStatus.FAILED

    def send_batch(self, batch) -> bool:
        """Send one claimed batch over one mail connection; False when the run must stop."""
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001 - the server is unreachable: nothing was handed
            for row in batch:
                if self.failed(row, f"{type(exc).__name__}: {exc}") and self.progress:
                    self.progress(1)
            return True
        try:
            for row in batch:
                if not self.still_mine():
                    return False
                self.limiter.wait()
                handed = self.rows.filter(pk=row.pk, status=RecipientStatus.SENDING, claim_token=self.token).update(
                    handed_at=self.clock())
                if not handed:
                    continue  # a newer run took it back before we handed it
                message, message_id = self.mailer.message(row)
                try:
                    accepted = connection.send_messages([message])
                    if not accepted:
                        raise RuntimeError(_("The mail server did not accept the message."))
                except Exception as exc:  # noqa: BLE001 - recorded on the row, retried or failed
                    final = self.failed(row, f"{type(exc).__name__}: {exc}")
                else:
                    self.rows.filter(pk=row.pk, claim_token=self.token).update(
                        status=RecipientStatus.SENT, sent_at=self.clock(), message_id=message_id[:255],
                        attempts=row.attempts + 1, error="", next_attempt_at=None)
                    self.result.sent += 1
                    final = True
                if final and self.progress:
                    self.progress(1)
        finally:
            connection.close()
        return True

    def run(self) -> RunResult:
        while self.still_mine(force=True):
            batch = self.claim()
            if batch is None:
                self.finish()
                break
            if not batch:
                self.wait_for_retries()
                continue
            if not self.send_batch(batch):
                break
        return self.result

    def finish(self):
        now = self.clock()
        with transaction.atomic():
            campaign = WarningCampaign.objects.select_for_update(of=("self",)).select_related("organisation", "sent_by").get(
                pk=self.campaign.pk)
            if campaign.status != CampaignStatus.SENDING or campaign.run_token != self.token:
                return
            campaign.status, campaign.sent_at, campaign.run_token = CampaignStatus.SENT, now, ""
            campaign.save()
            sent = self.rows.filter(status=RecipientStatus.SENT).count()
            if sent:
                evidence.record(campaign, kind="customer_warning", organisation=campaign.organisation,
                                occurred_on=timezone.localdate(now),
                                title=_("Customer warning “%(title)s”: %(count)s customers warned") % {
                                    "title": campaign.title, "count": sent},
                                recorded_by=campaign.sent_by)
        self.result.finished = True


def _recover(campaign, token):
    """Rows left in ``sending`` by older runs: never handed → queued; handed → interrupted."""
    stale = WarningRecipient.objects.filter(campaign=campaign, status=RecipientStatus.SENDING).exclude(
        claim_token=token)
    stale.filter(handed_at__isnull=True).update(status=RecipientStatus.QUEUED, claim_token="", claimed_at=None)
    stale.filter(handed_at__isnull=False).update(
        status=RecipientStatus.INTERRUPTED,
        error=_("Sending was interrupted after the message was handed to the mail server; it may or may not "
                "have arrived."))


def run_campaign(campaign_id: int, *, clock=None, sleep=None, rate_per_minute=None, batch_size=None,
                 max_attempts=None, progress=None) -> RunResult:
    """Send a campaign marked ``sending`` until nobody is waiting, it is paused or another run takes
    over. The huey task and the CLI both call this; tests inject ``clock`` and ``sleep``."""
    clock, sleep = clock or timezone.now, sleep or time.sleep
    rate = setting("ATTT_WARNING_RATE_PER_MINUTE", 120) if rate_per_minute is None else rate_per_minute
    batch = max(1, batch_size or setting("ATTT_WARNING_BATCH", 50))
    attempts = max(1, max_attempts or setting("ATTT_WARNING_MAX_ATTEMPTS", 3))
    token = uuid.uuid4().hex
    with transaction.atomic():
        campaign = WarningCampaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign_id)
        if campaign.status != CampaignStatus.SENDING:
            return RunResult(finished=campaign.status == CampaignStatus.SENT, stopped="not sending")
        WarningCampaign.objects.filter(pk=campaign.pk).update(run_token=token, heartbeat_at=clock())
        campaign.run_token = token
        _recover(campaign, token)
    return _Run(campaign, token, clock, sleep, rate, batch, attempts, progress).run()
