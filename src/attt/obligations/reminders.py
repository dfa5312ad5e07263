"""E-mail reminders about duty occurrences: before the due date, when overdue, and an escalation to
the supervising organisation when a duty stays overdue longer than ``ATTT_ESCALATION_DAYS``.

Run every morning after ``recompute.refresh_due`` (``tasks.py``) or by ``attt obligations remind``.
Sending is idempotent: each (duty, subject, due date, kind, recipient) is mailed once, recorded as
a ``ReminderSent`` row. A mail is sent first and recorded after it went out, so a crash or a send
failure never marks an unsent mail as sent; the next run tries again.

Who is told:
* before / overdue: the security officers and heads of the subject organisation (the owner, for a
  system); when it has none with an e-mail address, those of the nearest organisation above it;
* escalation: the security officers, heads and supervisors of the nearest organisation above the
  subject organisation that has any.
"""

import functools
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import select_template
from django.utils import translation

from attt.languages import pick
from attt.tenancy.models import Organisation, RoleAssignment, path_ids
from attt.tenancy.roles import Role

from . import recompute
from .catalogue import catalogue
from .ical import subject_link
from .models import DutyState, DutyStatus, ReminderKind, ReminderSent

log = logging.getLogger(__name__)

OWNER_ROLES = (Role.SECURITY_OFFICER, Role.HEAD)
ESCALATION_ROLES = (Role.SECURITY_OFFICER, Role.HEAD, Role.SUPERVISOR)
CHUNK = 500
TEMPLATE = "obligations/email/{kind}.{language}.txt"


def base_url():
    """Where the links in the mails point (``ATTT_BASE_URL``, defaults in settings.py)."""
    return settings.ATTT_BASE_URL.rstrip("/")


def escalation_days():
    return settings.ATTT_ESCALATION_DAYS


class Recipients:
    """Who receives mail for an organisation, computed from one query and cached per organisation."""

    def __init__(self):
        self.emails = defaultdict(lambda: defaultdict(list))  # organisation id → role → [e-mail]
        rows = (RoleAssignment.objects.filter(role__in=ESCALATION_ROLES, user__is_active=True)
                .exclude(user__email="").order_by("organisation_id", "user__username")
                .values_list("organisation_id", "role", "user__email"))
        for organisation_id, role, email in rows:
            self.emails[organisation_id][role].append(email.strip())
        self._owners, self._supervisors = {}, {}

    def _of(self, organisation_id, roles):
        seen, result = set(), []
        for role in roles:
            for email in self.emails.get(organisation_id, {}).get(role, ()):
                if email and email.lower() not in seen:
                    seen.add(email.lower())
                    result.append(email)
        return result

    def _nearest(self, ids, roles):
        for organisation_id in reversed(ids):
            found = self._of(organisation_id, roles)
            if found:
                return organisation_id, found
        return None, []

    def owners(self, organisation):
        """(organisation id, e-mails) of the subject organisation or the nearest one above with any."""
        if organisation.pk not in self._owners:
            self._owners[organisation.pk] = self._nearest(path_ids(organisation.path), OWNER_ROLES)
        return self._owners[organisation.pk]

    def supervisors(self, organisation):
        """(organisation id, e-mails) of the nearest organisation strictly above the subject with any."""
        if organisation.pk not in self._supervisors:
            self._supervisors[organisation.pk] = self._nearest(path_ids(organisation.path)[:-1],
                                                               ESCALATION_ROLES)
        return self._supervisors[organisation.pk]


class Renderer:
    """Vietnamese templates first, English when a Vietnamese one is missing; one lookup per kind."""

    def __init__(self):
        self._templates = {}

    def template(self, kind):
        if kind not in self._templates:
            names = [TEMPLATE.format(kind=kind, language=language) for language in ("vi", "en")]
            with translation.override("vi"):
                chosen = select_template(names)
            language = "en" if chosen.origin.template_name == names[1] else "vi"
            self._templates[kind] = (chosen, language)
        return self._templates[kind]

    def render(self, kind, context_for):
        """(subject, body) of ``kind``; ``context_for()`` is called in the template's language."""
        chosen, language = self.template(kind)
        with translation.override(language):
            text = chosen.render(context_for())
        subject, _newline, body = text.lstrip().partition("\n")
        return " ".join(subject.split()), body.strip("\n").rstrip() + "\n"


def _context(row, duty, kind, on, supervising=None):
    days = (on - row.next_due).days
    return {
        "kind": kind,
        "duty_id": duty.id,
        "duty_title": pick(duty.title),
        "citation": pick(duty.citation),
        "evidence_description": pick(duty.evidence_description),
        "system_name": row.system.name if row.system_id else "",
        "organisation_name": row.organisation.name,
        "organisation_code": row.organisation.code,
        "subject_name": row.system.name if row.system_id else row.organisation.name,
        "due_date": f"{row.next_due:%d/%m/%Y}",
        "today": f"{on:%d/%m/%Y}",
        "days_left": max(-days, 0),
        "days_overdue": max(days, 0),
        "escalation_days": escalation_days(),
        "supervising_name": supervising.name if supervising is not None else "",
        "link": subject_link(base_url(), row),
    }


def _planned(row, on, recipients):
    """(kind, recipient organisation id, [e-mail]) owed for one status row on ``on``."""
    overdue = row.status == DutyState.OVERDUE or on > row.next_due
    if not overdue:
        if row.status == DutyState.DUE_SOON:
            yield ReminderKind.BEFORE, *recipients.owners(row.organisation)
        return
    yield ReminderKind.OVERDUE, *recipients.owners(row.organisation)
    if (on - row.next_due).days > escalation_days():
        yield ReminderKind.ESCALATION, *recipients.supervisors(row.organisation)


def _existing(keys):
    found = set()
    keys = list(keys)
    for start in range(0, len(keys), CHUNK):
        found.update(ReminderSent.objects.filter(key__in=keys[start:start + CHUNK]).values_list("key", flat=True))
    return found


def _chunks(rows):
    """The rows in chunks, each read in full before any mail is recorded: no cursor stays open
    across the writes (SQLite's IMMEDIATE transactions, PostgreSQL's server-side cursors)."""
    ids = list(rows.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield list(rows.filter(id__in=ids[start:start + CHUNK]))


def send_reminders(on=None):
    """Send what is owed on ``on`` (default today); return counts per kind and of what was not sent."""
    on = on or recompute.today()
    duties = catalogue().by_id
    recipients, renderer = Recipients(), Renderer()
    counts = {ReminderKind.BEFORE.value: 0, ReminderKind.OVERDUE.value: 0, ReminderKind.ESCALATION.value: 0,
              "already_sent": 0, "failed": 0, "no_recipient": 0}
    organisations = {}  # id → Organisation, for the escalation mail's "supervising organisation"
    rows = (DutyStatus.objects.filter(status__in=(DutyState.DUE_SOON, DutyState.OVERDUE), next_due__isnull=False)
            .select_related("organisation", "system").order_by("id"))
    connection = get_connection()
    try:
        for chunk in _chunks(rows):
            planned = []
            for row in chunk:
                duty = duties.get(row.duty_id)
                if duty is None:
                    continue
                for kind, organisation_id, emails in _planned(row, on, recipients):
                    if not emails:
                        counts["no_recipient"] += 1
                        continue
                    for email in emails:
                        key = ReminderSent.key_for(row.duty_id, row.organisation_id, row.system_id, row.next_due,
                                                   kind.value, email)
                        planned.append((row, duty, kind, organisation_id, email, key))
            sent = _existing(item[-1] for item in planned)
            rendered = {}
            for row, duty, kind, organisation_id, email, key in planned:
                if key in sent:
                    counts["already_sent"] += 1
                    continue
                if (row.pk, kind) not in rendered:
                    supervising = None
                    if kind == ReminderKind.ESCALATION:
                        supervising = organisations.get(organisation_id)
                        if supervising is None:
                            supervising = organisations[organisation_id] = _organisation(organisation_id)
                    rendered[row.pk, kind] = renderer.render(
                        kind.value, functools.partial(_context, row, duty, kind.value, on, supervising))
                subject, body = rendered[row.pk, kind]
                if _send(connection, subject, body, email, key, first_failure=not counts["failed"]):
                    sent.add(key)
                    if _record(row, kind, email, key):
                        counts[kind.value] += 1
                    else:
                        counts["already_sent"] += 1
                else:
                    counts["failed"] += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the counts
            log.debug("closing the mail connection failed", exc_info=True)
    if counts["failed"]:
        log.error("%s reminder(s) could not be sent; they are retried at the next run", counts["failed"])
    return counts


def _organisation(organisation_id):
    return Organisation.objects.filter(pk=organisation_id).first()


def _send(connection, subject, body, email, key, first_failure=True):
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email], connection=connection)
    try:
        return message.send() == 1
    except Exception as exc:  # any backend failure: log it, record nothing, retry next run
        # The first failure of a run with its traceback; when the server is down, one line for the rest.
        log.warning("reminder %s not sent (%s); it will be retried at the next run", key, exc,
                    exc_info=first_failure)
        return False


def _record(row, kind, email, key):
    """Remember a sent mail; False when another run recorded it meanwhile."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(duty_id=row.duty_id, organisation_id=row.organisation_id,
                                        system_id=row.system_id, due_on=row.next_due, kind=kind.value,
                                        recipient=email, key=key)
    except IntegrityError:
        log.warning("reminder %s was sent by two runs at once", key)
        return False
    return True
