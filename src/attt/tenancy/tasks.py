"""Background jobs (huey). Run by `attt worker`; SQLite storage by default, Redis with REDIS_URL."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import mail_admins, send_mail
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import audit

log = logging.getLogger(__name__)


def report_broken_chain(result: audit.ChainVerification) -> None:
    subject = f"[ATTT] Audit chain broken at entry #{result.broken_sequence}"
    body = (f"The tamper-evident audit log no longer verifies: {result.reason}.\n"
            f"{result.checked} entries verified before the break. Run `attt audit verify` and investigate.")
    recipients = list(get_user_model().objects.filter(is_superuser=True, is_active=True)
                      .exclude(email="").values_list("email", flat=True))
    if recipients:
        send_mail(subject, body, None, recipients)
    else:
        mail_admins(subject, body)


@db_periodic_task(crontab(hour="2", minute="15"))
def verify_audit_chain_nightly():
    """Verify the whole chain every night and tell the platform administrators if it is broken."""
    result = audit.verify_chain()
    if result.ok:
        log.info("audit chain intact: %s entries", result.checked)
    else:
        log.error("audit chain broken at #%s: %s", result.broken_sequence, result.reason)
        report_broken_chain(result)
    return result.ok
