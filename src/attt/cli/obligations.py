"""`attt obligations …`: recompute the duty statuses, list them, send the reminders (for cron)."""

import datetime
import time

import typer
from rich.table import Table

from .main import (
    acting_user,
    console,
    err,
    organisation_or_exit,
    progress_bar,
    setup_django,
)

obligations_app = typer.Typer(help="Legal duties: statuses, recompute, e-mail reminders.", no_args_is_help=True)

DATE_HELP = "Compute as of this day (YYYY-MM-DD) instead of today."
STATUS_STYLE = {"overdue": "red", "due_soon": "yellow", "met": "green", "no_evidence": "dim"}


def _day(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]“{text}” is not a date (YYYY-MM-DD).")
        raise typer.Exit(2)


def _evaluations():
    """How many (subject, duty) pairs a full recompute evaluates: the progress bar's total."""
    from attt.inventory.models import InformationSystem, SystemStatus
    from attt.obligations.catalogue import catalogue
    from attt.tenancy.models import Organisation

    duties = catalogue()
    systems = InformationSystem.objects.exclude(status=SystemStatus.RETIRED).count()
    return (systems * len(duties.for_subject("system"))
            + Organisation.objects.count() * len(duties.for_subject("organisation")))


@obligations_app.command("recompute")
def obligations_recompute(date: str = typer.Option(None, "--date", help=DATE_HELP)):
    """Recompute every duty status of every system and organisation (also run nightly)."""
    setup_django()
    from attt.obligations import recompute

    on = _day(date)
    started = time.monotonic()
    with progress_bar("Evaluating duties", _evaluations()) as advance:
        pending = [0]

        def tick():  # the bar is redrawn per hundred evaluations, not per one
            pending[0] += 1
            if pending[0] == 100:
                advance(pending[0])
                pending[0] = 0

        counts, _snapshot = recompute.recompute_all(on=on, progress=tick)
        if pending[0]:
            advance(pending[0])
    elapsed = time.monotonic() - started
    console.print(f"Duty statuses as of {(on or recompute.today()):%d/%m/%Y}: {counts['created']} created, "
                  f"{counts['updated']} updated, {counts['deleted']} deleted in {elapsed:.1f} s.")


STATUS_COLUMNS = ("Org.", "System", "Duty", "Title", "Status", "Due", "Days", "Article")
FLEXIBLE = {1: 2, 3: 3, 7: 2}  # column → share of the width the fixed columns leave
ARTICLE = 7


def _status_table(lines):
    """One line per row: the short columns keep their width; system, title and article share the
    rest and end in an ellipsis (on a narrow terminal the article goes), so the table reads at 80
    columns and in a cron mail alike."""
    columns = list(range(len(STATUS_COLUMNS)))
    fixed = {index: max([len(STATUS_COLUMNS[index])] + [len(line[index]) for line in lines])
             for index in columns if index not in FLEXIBLE}
    room = console.width - sum(fixed.values()) - 3 * len(columns) - 1
    if room < 45:
        columns.remove(ARTICLE)
        room += 3
    flexible = {index: share for index, share in FLEXIBLE.items() if index in columns}
    widths = dict(fixed)
    for index, share in flexible.items():
        longest = max([len(STATUS_COLUMNS[index])] + [len(line[index]) for line in lines])
        widths[index] = max(6, min(longest, room * share // sum(flexible.values())))
    table = Table()
    for index in columns:
        table.add_column(STATUS_COLUMNS[index], width=widths[index], no_wrap=True, overflow="ellipsis",
                         justify="right" if index == 6 else "left")
    for line in lines:
        cells = [line[index] for index in columns]
        style = STATUS_STYLE.get(line[-1])
        if style:
            cells[4] = f"[{style}]{cells[4]}[/{style}]"
        table.add_row(*cells)
    return table


@obligations_app.command("status")
def obligations_status(
    as_user: str = typer.Option(None, "--as", help="Act as this user (their scope applies)."),
    org: str = typer.Option(None, "--org", help="Only this organisation's subtree."),
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue duties; exit code 1 if any."),
    limit: int = typer.Option(500, help="Show at most this many rows (0: all)."),
):
    """Stored duty statuses in the user's scope, most urgent first."""
    setup_django()
    from django.db.models import Count, F

    from attt.languages import pick
    from attt.obligations.catalogue import catalogue
    from attt.obligations.models import DutyState, DutyStatus
    from attt.obligations.recompute import today

    user, _audit_user = acting_user(as_user)
    rows = DutyStatus.objects.visible_to(user)
    if org:
        organisation = organisation_or_exit(user, org)
        rows = rows.within(organisation)
    if overdue:
        rows = rows.filter(status=DutyState.OVERDUE)
    totals = dict(rows.order_by().values_list("status").annotate(count=Count("id")))
    duties, on = catalogue().by_id, today()
    ordered = rows.select_related("organisation", "system").order_by(
        F("next_due").asc(nulls_last=True), "organisation__path", "duty_id")
    lines = []
    for row in (ordered[:limit] if limit else ordered).iterator(chunk_size=1000):
        duty = duties.get(row.duty_id)
        lines.append((row.organisation.code, row.system.name if row.system_id else "—", row.duty_id,
                      pick(duty.title) if duty else "?", str(DutyState(row.status).label),
                      row.next_due.strftime("%d/%m/%Y") if row.next_due else "—",
                      "" if row.next_due is None else str((row.next_due - on).days),
                      pick(duty.citation) if duty else "", row.status))
    console.print(_status_table(lines))
    shown = len(lines)
    total = sum(totals.values())
    if shown < total:
        console.print(f"… {total - shown} more row(s); narrow with --org or raise --limit.")
    console.print(", ".join(f"{DutyState(status).label}: {count}" for status, count in sorted(totals.items()))
                  or "No duty statuses.")
    late = totals.get(DutyState.OVERDUE.value, 0)
    if overdue and late:
        err.print(f"[red]{late} overdue duty(ies).")
        raise typer.Exit(1)


@obligations_app.command("remind")
def obligations_remind(date: str = typer.Option(None, "--date", help="Send as of this day (YYYY-MM-DD).")):
    """Send the reminders, overdue notices and escalations owed today (idempotent; also run daily)."""
    setup_django()
    from attt.obligations import reminders

    counts = reminders.send_reminders(on=_day(date))
    table = Table("Kind", "Count")
    for name, count in counts.items():
        table.add_row(name, str(count))
    console.print(table)
    if counts["failed"]:
        err.print(f"[red]{counts['failed']} mail(s) could not be sent; run again to retry.")
        raise typer.Exit(1)
