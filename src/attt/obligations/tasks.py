"""Background jobs of the obligations room (huey; found by djhuey's autodiscovery of ``tasks``).

01:30 — full recompute of every duty status (catches anything an incremental recompute missed).
06:45 — recompute the statuses whose answer changes today, then mail the reminders.

The times are local time: the huey settings say ``utc: False`` (see settings.py).
"""

import logging
import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import recompute, reminders

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="1", minute="30"))
def recompute_obligations_nightly():
    """Recompute every duty status of every system and organisation."""
    started = time.monotonic()
    counts, _snapshot = recompute.recompute_all()
    log.info("obligations recomputed in %.1f s: %s created, %s updated, %s deleted",
             time.monotonic() - started, counts["created"], counts["updated"], counts["deleted"])
    return counts


@db_periodic_task(crontab(hour="6", minute="45"))
def send_obligation_reminders():
    """Bring today's statuses up to date, then send the reminders, overdue notices and escalations."""
    refreshed = recompute.refresh_due()
    log.info("obligation statuses refreshed: %s", refreshed)
    counts = reminders.send_reminders()
    log.info("obligation reminders: %s", counts)
    if counts["failed"]:
        log.warning("%s obligation reminder(s) could not be sent; they are retried tomorrow", counts["failed"])
    return {"refreshed": refreshed, "reminders": counts}
