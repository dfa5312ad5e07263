"""`attt levels …`: approval share and running legal clocks of level dossiers, for cron and e-mail."""

import csv
import sys

import typer
from rich.table import Table

from .main import acting_user, console, err, setup_django

levels_app = typer.Typer(help="Security levels: approval share and dossier clocks.", no_args_is_help=True)


@levels_app.command("status")
def levels_status(
    as_user: str = typer.Option(None, "--as", help="Act as this user (their scope applies)."),
    missing: bool = typer.Option(False, "--missing", help="List the systems without a current level as CSV."),
):
    """Share of systems with an approved, current level, per organisation subtree."""
    setup_django()
    from attt.levels import rollup
    from attt.tenancy.models import Organisation

    user, _audit_user = acting_user(as_user)
    systems = rollup.counted_systems(user)
    if missing:
        writer = csv.writer(sys.stdout)
        writer.writerow(["owner", "system_id", "system", "reclassification_needed"])
        for system in rollup.missing_systems(systems).order_by("owner__path", "name"):
            status = getattr(system, "level_status", None)
            writer.writerow([system.owner.code, system.pk, system.name,
                             bool(status and status.reclassification_needed)])
        return
    table = Table("Organisation", "Own", "Subtree approved / total", "Share")
    for row in rollup.rollup(systems, Organisation.objects.visible_to(user)):
        indent = "  " * row.organisation.depth
        table.add_row(f"{indent}{row.organisation.code}", f"{row.own_approved}/{row.own_total}",
                      f"{row.approved}/{row.total}", "—" if row.share is None else f"{row.share} %")
    console.print(table)


@levels_app.command("clocks")
def levels_clocks(
    as_user: str = typer.Option(None, "--as", help="Act as this user (their scope applies)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue steps; exit code 1 if any."),
):
    """Running legal time limits of submitted and appraised dossiers (working days, VN holidays)."""
    setup_django()
    from attt.levels import services
    from attt.levels.models import Dossier
    from attt.levels.models.dossiers import UNDER_REVIEW

    user, _audit_user = acting_user(as_user)
    dossiers = (Dossier.objects.visible_to(user).with_related()
                .filter(state__in=UNDER_REVIEW))
    table = Table("Dossier", "System", "Level", "Step", "Due", "Days left", "Article")
    late = 0
    for dossier in dossiers.order_by("step_due_on"):
        for clock in services.open_clocks(dossier):
            if overdue and not clock.overdue:
                continue
            late += clock.overdue
            table.add_row(str(dossier.pk), dossier.system.name, str(dossier.level), clock.step,
                          clock.due_on.strftime("%d/%m/%Y"),
                          f"[red]{clock.days_left}[/red]" if clock.overdue else str(clock.days_left),
                          clock.citation)
    console.print(table)
    if overdue and late:
        err.print(f"[red]{late} overdue step(s).")
        raise typer.Exit(1)
