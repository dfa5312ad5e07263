"""`attt incidents …`: list cases with their clocks, export a case as STIX 2.1, DOCX or PDF."""

from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from .main import acting_user, console, err, setup_django

incidents_app = typer.Typer(help="Incident cases: list with reporting clocks, export (STIX 2.1, DOCX, PDF).",
                            no_args_is_help=True)
FORMATS = ("stix", "docx", "pdf")


def _case(identifier: str, actor):
    from attt.incidents.models import Incident

    rows = Incident.objects.visible_to(actor)
    case = (rows.filter(pk=int(identifier)).first() if identifier.isdigit()
            else rows.filter(reference=identifier.upper()).first())
    if case is None:
        err.print(f"[red]No incident “{identifier}” that this user can see.")
        raise typer.Exit(2)
    return case


@incidents_app.command("export")
def incidents_export(
    identifier: str = typer.Argument(..., metavar="ID", help="Case id or reference (SC-2026-0001)."),
    format: str = typer.Option("stix", "--format", help="stix, docx or pdf."),
    kind: str = typer.Option("", "--kind", help="docx/pdf: generate a new version of this report "
                                                "(e.g. form03, d331_report); default: the latest version kept."),
    language: str = typer.Option("vi", "--language", help="docx/pdf with --kind: vi or en."),
    out: Path = typer.Option(None, "--out", help="Output file; default: a name in the current folder."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Write a case as a STIX 2.1 bundle, or one of its reports as DOCX or PDF."""
    if format not in FORMATS:
        err.print(f"[red]--format must be one of {', '.join(FORMATS)}.")
        raise typer.Exit(2)
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from attt.incidents import delivery, documents, stix

    actor, _recorded = acting_user(user)
    case = _case(identifier, actor)
    if format == "stix":
        data = stix.export_bundle(case).encode("utf-8")
        target = out or Path(f"{case.reference}-stix.json")
    else:
        try:
            if kind:
                report = delivery.generate_report(actor, case, kind, language)
            else:
                report = case.reports.order_by("-generated_at", "-id").first()
                if report is None:
                    err.print("[red]This case has no report yet; give --kind to generate one "
                              f"({', '.join(documents.KINDS)}).")
                    raise typer.Exit(2)
        except (ValidationError, PermissionDenied) as error:
            err.print(f"[red]{' '.join(getattr(error, 'messages', [str(error)]))}")
            raise typer.Exit(1) from None
        with getattr(report, format).open("rb") as handle:
            data = handle.read()
        target = out or Path(documents.filename(report.content, format))
    target.write_bytes(data)
    console.print(f"[green]Wrote {target} ({len(data):,} bytes).")


@incidents_app.command("list")
def incidents_list(
    open_only: bool = typer.Option(True, "--open/--all", help="Only cases not closed (default) or all."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Cases with their most urgent reporting clock, overdue first."""
    setup_django()
    from django.utils import timezone

    from attt.incidents import clocks, services
    from attt.incidents.models import Incident, IncidentStatus

    actor, _recorded = acting_user(user)
    cases = Incident.objects.visible_to(actor).select_related("organisation")
    if open_only:
        cases = cases.exclude(status=IncidentStatus.CLOSED)
    now = timezone.now()
    rows = [(case, services.clock_states(case, now)) for case in cases[:500]]
    rows.sort(key=lambda row: clocks.urgency(row[1]))
    table = Table("Reference", "Organisation", "T0", "Status", "Clocks")
    for case, states in rows:
        summary = ", ".join(f"{s.rule.id}:{s.state}" for s in states) or "—"
        local = case.detected_at.astimezone(ZoneInfo(case.time_zone))
        table.add_row(case.reference, case.organisation.code, f"{local:%Y-%m-%d %H:%M} {case.time_zone}",
                      case.status, summary)
    console.print(table)
