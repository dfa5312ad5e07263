"""The compliance board (systems × duties, coloured by status, with counts) and the supervisors'
roll-up (share met / overdue per organisation over a subtree), read from the stored statuses."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from attt import languages
from attt.inventory.models import SystemStatus
from attt.tenancy.models import Organisation, path_ids

from .catalogue import catalogue
from .models import DutyState

STATES = (DutyState.OVERDUE, DutyState.DUE_SOON, DutyState.NO_EVIDENCE, DutyState.MET)


def share(part, total):
    return round(100 * part / total, 1) if total else None


@dataclass
class Board:
    columns: list                # duties shown as columns
    rows: list                   # (system, [cell html]) per system
    counts: dict                 # duty id → Counter(status)
    totals: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.totals.values())

    @property
    def share_met(self):
        return share(self.totals[DutyState.MET], self.total)


def _cell(status, due, title, labels):
    text = due.strftime("%d/%m/%Y") if due else "·"
    return (f'<td class="duty duty-{status}" title="{escape(title)} — {escape(labels[status])}">'
            f'{text}</td>')


def system_board(statuses, systems, status=None, instrument=None, query=None):
    """``statuses``/``systems`` are already scoped querysets. One query each; cells are built here
    rather than in the template so that 500 systems × 30 duties stay fast."""
    duties = catalogue()
    columns = [duty for duty in duties.for_subject("system")
               if not instrument or duty.instrument.slug == instrument]
    wanted = {duty.id for duty in columns}
    systems = systems.exclude(status=SystemStatus.RETIRED)
    if query:
        systems = systems.filter(name__icontains=query)
    by_system = defaultdict(dict)
    present = set()
    for system_id, duty_id, state, due in (statuses.filter(system__in=systems.values("id"))
                                           .values_list("system_id", "duty_id", "status", "next_due")):
        if duty_id in wanted:
            by_system[system_id][duty_id] = (state, due)
            present.add(duty_id)
    columns = [duty for duty in columns if duty.id in present]
    labels = {key: str(value) for key, value in DutyState.choices}
    empty = f'<td class="duty duty-none" title="{escape(_("Not applicable"))}">—</td>'
    counts = {duty.id: Counter() for duty in columns}
    totals = Counter()
    rows = []
    for system in systems.select_related("owner").order_by("owner__path", "name"):
        cells = by_system.get(system.pk, {})
        if status and not any(state == status for state, _due in cells.values()):
            continue
        html = []
        for duty in columns:
            entry = cells.get(duty.id)
            if entry is None:
                html.append(empty)
                continue
            counts[duty.id][entry[0]] += 1
            totals[entry[0]] += 1
            html.append(_cell(entry[0], entry[1], f"{duty.id} {languages.pick(duty.title)}", labels))
        rows.append((system, mark_safe("".join(html))))
    return Board(columns, rows, counts, totals)


def organisation_statuses(statuses, organisations):
    """Organisation duties (annual report, team, contacts …) per visible organisation."""
    by_org = defaultdict(list)
    duties = catalogue().by_id
    for row in statuses.filter(system__isnull=True, organisation__in=organisations).order_by("duty_id"):
        by_org[row.organisation_id].append((duties.get(row.duty_id), row))
    result = []
    for organisation in organisations.filter(pk__in=by_org).order_by("path"):
        result.append((organisation, [entry for entry in by_org[organisation.pk] if entry[0] is not None]))
    return result


@dataclass
class RollupRow:
    organisation: Organisation
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def share_met(self):
        return share(self.counts[DutyState.MET], self.total)

    @property
    def overdue(self):
        return self.counts[DutyState.OVERDUE]

    @property
    def share_overdue(self):
        return share(self.overdue, self.total)


def rollup(statuses, organisations):
    """One row per visible organisation that has statuses in its subtree, counting its whole
    subtree; a supervisor sees which of its organisations lag behind."""
    own = defaultdict(Counter)
    grouped = statuses.order_by().values("organisation_id", "status").annotate(number=Count("id"))
    for organisation_id, state, number in grouped.values_list("organisation_id", "status", "number"):
        own[organisation_id][state] += number
    if not own:
        return []
    paths = dict(Organisation.objects.filter(pk__in=own).values_list("pk", "path"))
    wanted = {pk for path in paths.values() for pk in path_ids(path)}
    rows = {org.pk: RollupRow(org) for org in organisations.filter(pk__in=wanted)}
    for organisation_id, counter in own.items():
        for pk in path_ids(paths[organisation_id]):
            if pk in rows:
                rows[pk].counts.update(counter)
    return sorted(rows.values(), key=lambda row: row.organisation.path)
