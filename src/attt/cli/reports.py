"""`attt reports …`: build a periodic report from the records (quarterly, Form 08 annual, Form 05)
and write its documents; show who has submitted."""

import re
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .main import acting_user, console, err, organisation_or_exit, setup_django

reports_app = typer.Typer(help="Periodic reports: build (quarterly, annual Form 08, Form 05) and submission status.",
                          no_args_is_help=True)
KINDS = ("quarterly", "annual", "form05")
PERIOD_HELP = "quarterly: 2026-Q3 · annual: 2026 · form05: 2026-H1 (six months) or 2026 (year)"


def parse_period(kind: str, text: str) -> tuple[str, int, int | None]:
    """(report kind, year, number) from the CLI's --kind and --period; ValueError names the problem."""
    text = text.strip().upper()
    if kind == "quarterly":
        match = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
        if not match:
            raise ValueError(f"--period for a quarterly report looks like 2026-Q3, not {text!r}")
        return "quarterly", int(match[1]), int(match[2])
    if kind == "form05":
        match = re.fullmatch(r"(\d{4})(-H1)?", text)
        if not match:
            raise ValueError(f"--period for Form 05 is 2026-H1 (six months) or 2026 (year), not {text!r}")
        return ("form05_half" if match[2] else "form05_year"), int(match[1]), None
    if kind == "annual":
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"--period for the annual report is a year such as 2026, not {text!r}")
        return "annual", int(text), None
    raise ValueError(f"--kind must be one of {', '.join(KINDS)}")


@reports_app.command("build")
def reports_build(
    kind: str = typer.Option(..., "--kind", help="quarterly, annual or form05."),
    org: str = typer.Option(..., "--org", help="Organisation code."),
    period: str = typer.Option(..., "--period", help=PERIOD_HELP),
    language: str = typer.Option("vi", "--language", help="vi or en."),
    consolidated: bool = typer.Option(False, "--consolidated", help="Consolidate over the organisations below."),
    out: Path = typer.Option(Path("."), "--out", help="Folder for the PDF, DOCX and XLSX."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope and rights apply)."),
):
    """Generate a new version of a report from the records and write its PDF, DOCX and XLSX."""
    try:
        report_kind, year, number = parse_period(kind, period)
    except ValueError as error:
        err.print(f"[red]{error}")
        raise typer.Exit(2) from None
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from attt.reports import documents, services

    actor, _recorded = acting_user(user)
    organisation = organisation_or_exit(actor, org)
    out.mkdir(parents=True, exist_ok=True)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("Computing the figures", total=None)

        def advance(done, total):
            progress.update(task, completed=done, total=total)

        try:
            report = services.generate(actor, organisation, report_kind, year, number, language=language,
                                       consolidated=consolidated, progress=advance)
        except (ValidationError, PermissionDenied) as error:
            progress.stop()
            err.print(f"[red]{' '.join(getattr(error, 'messages', [str(error)]))}")
            raise typer.Exit(1) from None
        progress.update(task, description="Rendered PDF, DOCX and XLSX")
        written = []
        for fmt in ("pdf", "docx", "xlsx"):
            target = out / documents.filename(report.snapshot, fmt)
            with getattr(report, fmt).open("rb") as handle:
                target.write_bytes(handle.read())
            written.append(target)
    console.print(f"[green]{report} (id {report.pk}, {report.get_state_display().lower()})")
    for target in written:
        console.print(f"  {target} ({target.stat().st_size:,} bytes)")


@reports_app.command("status")
def reports_status(
    org: str = typer.Option(..., "--org", help="The supervising organisation's code."),
    kind: str = typer.Option("quarterly", "--kind", help="quarterly, annual, form05_half or form05_year."),
    user: str = typer.Option(None, "--user", help="Act as this user."),
):
    """Which organisations under ORG submitted the report of the period being collected."""
    setup_django()
    from attt.reports import status

    actor, _recorded = acting_user(user)
    if kind not in status.KINDS:
        err.print(f"[red]Unknown report kind “{kind}”; known: {', '.join(status.KINDS)}.")
        raise typer.Exit(2)
    organisation = organisation_or_exit(actor, org)
    today = status.today_in_vietnam()
    result = status.submissions(organisation, kind, status.reporting_period(kind, today), today)
    table = Table(title=f"{result.title} · {result.period.label_en} · {organisation.code}")
    for column in ("Organisation", "Due", "Status", "Version"):
        table.add_column(column)
    for row in result.rows:
        table.add_row(row.organisation.code, row.due.isoformat(), row.state,
                      f"v{row.report.version}" if row.report else "—")
    console.print(table)
