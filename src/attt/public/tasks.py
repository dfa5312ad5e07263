"""Background jobs of the public room (huey).

``send_campaign`` sends one customer warning campaign on the worker (the same code the CLI runs
in the foreground). Every five minutes, campaigns whose run died with the worker are restarted;
the restart never resends a message that may have gone out (see services_warnings.py).
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services_warnings

log = logging.getLogger(__name__)


@db_task()
def send_campaign(campaign_id: int):
    result = services_warnings.run_campaign(campaign_id)
    log.info("warning campaign %s: sent %s, finished %s, stopped %r", campaign_id, result.sent, result.finished,
             result.stopped)
    return result.finished


@db_periodic_task(crontab(minute="*/5"))
def resume_stalled_campaigns():
    restarted = services_warnings.resume_stalled()
    if restarted:
        log.warning("warning campaigns restarted after their run died: %s", restarted)
    return restarted
