"""Background jobs of the scans room (huey).

``import_scan`` runs one queued import on the worker, so a 500 MB upload never holds a web
thread; the page polls its progress. Each morning, accepted risks past their expiry reopen.
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services

log = logging.getLogger(__name__)


@db_task()
def import_scan(scan_import_id: int):
    scan = services.run_import(scan_import_id)
    log.info("scan import %s: %s (%s records)", scan.pk, scan.status, scan.records)
    return scan.status


@db_periodic_task(crontab(hour="6", minute="30"))
def expire_accepted_risks():
    count = services.expire_accepted_risks()
    log.info("accepted risks expired and reopened: %s", count)
    return count
