"""`attt scans …`: import scanner reports with a progress bar, list the formats, expire accepted risks."""

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from .main import acting_user, console, err, setup_django

scans_app = typer.Typer(help="Vulnerability scans: import reports, formats, accepted-risk expiry.",
                        no_args_is_help=True)


@scans_app.command("import")
def scans_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The scanner report."),
    org: str = typer.Option(None, "--org", help="Organisation code: hosts are matched to its systems."),
    system: int = typer.Option(None, "--system", help="System id: every finding goes to this system."),
    format: str = typer.Option("", "--format", help="Force a format (see `attt scans formats`); default: detect."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Import one scanner report (format detected from the content) and print the ledger."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from attt.inventory.models import InformationSystem
    from attt.scans import services
    from attt.scans.models import ImportStatus
    from attt.tenancy.models import Organisation

    actor, _recorded = acting_user(user)
    organisation = Organisation.objects.filter(code=org).first() if org else None
    if org and organisation is None:
        err.print(f"[red]Unknown organisation “{org}”.")
        raise typer.Exit(2)
    chosen = InformationSystem.objects.select_related("owner", "operator").filter(pk=system).first() if system else None
    if system and chosen is None:
        err.print(f"[red]Unknown system id {system}.")
        raise typer.Exit(2)
    total = file.stat().st_size
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TextColumn("{task.fields[records]} records"), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task(f"Importing {file.name}", total=total, records=0)

        def echo(done, records):
            bar.update(task, completed=done or 0, records=records)

        try:
            scan = services.import_file(actor, file, organisation=organisation, system=chosen,
                                        requested_format=format, echo=echo)
        except (PermissionDenied, ValidationError) as exc:
            err.print(f"[red]{'; '.join(getattr(exc, 'messages', [str(exc)]))}")
            raise typer.Exit(2)
        bar.update(task, completed=total)
    if scan.status != ImportStatus.DONE:
        err.print(f"[red]Import #{scan.pk} failed: {scan.error}")
        raise typer.Exit(1)
    table = Table(title=f"Import #{scan.pk}: {scan.original_name} ({scan.format})")
    for column in ("records", "new", "unchanged", "reopened", "closed", "duplicates", "hosts", "unmatched hosts",
                   "systems", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(*map(str, (scan.records, scan.new, scan.unchanged, scan.reopened, scan.closed, scan.duplicates,
                             scan.hosts, scan.unmatched_hosts, scan.per_system.count(),
                             f"{scan.duration.total_seconds():.1f}")))
    console.print(table)


@scans_app.command("formats")
def scans_formats():
    """The report formats ATTT reads, in detection order."""
    setup_django()
    from attt.scans import parsers

    table = Table(title="Scanner formats (detected from the content)")
    for column in ("name", "scanner", "reads"):
        table.add_column(column)
    for module in parsers.formats():
        table.add_row(module.NAME, module.TOOL, module.LABEL)
    console.print(table)


@scans_app.command("expire-risks")
def scans_expire_risks():
    """Reopen accepted risks past their expiry (also run each morning by the worker)."""
    setup_django()
    from attt.scans import services

    console.print(f"Accepted risks reopened: {services.expire_accepted_risks()}")
