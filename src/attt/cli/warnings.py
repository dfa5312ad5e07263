"""`attt warnings …`: customer warning campaigns — import the customer list, send in the
foreground with a progress bar (the same code the worker runs), show the delivery figures."""

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

from .main import acting_user, console, err, setup_django

warnings_app = typer.Typer(help="Customer warning campaigns (telecoms, ISPs): import, send, status.",
                           no_args_is_help=True)


def _campaign(campaign_id: int, actor):
    from attt.public.models import WarningCampaign

    campaign = WarningCampaign.objects.visible_to(actor).select_related("organisation").filter(pk=campaign_id).first()
    if campaign is None:
        err.print(f"[red]No warning campaign #{campaign_id} that this user can see.")
        raise typer.Exit(2)
    return campaign


def _fail(exc):
    err.print(f"[red]{'; '.join(getattr(exc, 'messages', [str(exc)]))}")
    raise typer.Exit(2)


@warnings_app.command("import")
def warnings_import(
    campaign_id: int = typer.Argument(..., metavar="CAMPAIGN_ID"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV or XLSX customer list."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Replace a draft campaign's customer list, all or nothing (every bad row is listed)."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from attt.public import audience, services_warnings
    from attt.tenancy import audit

    actor, recorded = acting_user(user)
    campaign = _campaign(campaign_id, actor)
    with audit.acting_as(recorded, label=actor.get_username()):
        try:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err) as bar:
                task = bar.add_task(f"Storing {file.name}", total=None)
                stored = services_warnings.import_audience(actor, campaign, file, file.name,
                                                           progress=lambda n: bar.advance(task, n))
        except audience.AudienceRejected as rejected:
            table = Table(title=f"{file.name} refused: nothing was stored ({rejected.total} problems)")
            for column in ("row", "column", "problem"):
                table.add_column(column)
            for problem in rejected.problems:
                table.add_row(str(problem.row or ""), problem.column, problem.message)
            err.print(table)
            raise typer.Exit(1)
        except (PermissionDenied, ValidationError) as exc:
            _fail(exc)
    campaign.refresh_from_db()
    console.print(f"{stored} customers imported into campaign #{campaign.pk} "
                  f"({campaign.audience_rows} rows, {campaign.audience_duplicates} repeated addresses merged).")


@warnings_app.command("send")
def warnings_send(
    campaign_id: int = typer.Argument(..., metavar="CAMPAIGN_ID"),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
    no_rate_limit: bool = typer.Option(False, "--no-rate-limit", help="Ignore ATTT_WARNING_RATE_PER_MINUTE "
                                                                      "(tests, local mail catchers)."),
    resend_interrupted: bool = typer.Option(False, "--resend-interrupted", help="Also send again to customers "
                                            "whose delivery is unknown (they may receive it twice)."),
):
    """Send (or resume) a campaign in the foreground; Ctrl-C pauses it."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from attt.public import services_warnings
    from attt.public.models import CampaignStatus, WarningCampaign
    from attt.tenancy import audit

    actor, recorded = acting_user(user)
    campaign = _campaign(campaign_id, actor)
    with audit.acting_as(recorded, label=actor.get_username()):
        try:
            campaign = services_warnings.start_sending(actor, campaign, resend_interrupted=resend_interrupted,
                                                       queue=False)
        except (PermissionDenied, ValidationError) as exc:
            _fail(exc)
        figures = services_warnings.counts(campaign)
        waiting = figures["queued"] + figures["sending"]
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task(f"Sending “{campaign.title}”", total=waiting)
            try:
                result = services_warnings.run_campaign(campaign.pk, rate_per_minute=0 if no_rate_limit else None,
                                                        progress=lambda n: bar.advance(task, n))
            except KeyboardInterrupt:
                if WarningCampaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).exists():
                    services_warnings.pause(actor, campaign)
                err.print("[yellow]Paused. Run the same command again to resume.")
                raise typer.Exit(130)
    _print_status(campaign.pk)
    if not result.finished:
        err.print(f"[yellow]Stopped before the end: {result.stopped}.")
        raise typer.Exit(1)


def _print_status(campaign_id):
    from attt.public import services_warnings
    from attt.public.models import RecipientStatus, WarningCampaign

    campaign = WarningCampaign.objects.select_related("organisation").get(pk=campaign_id)
    figures = services_warnings.counts(campaign)
    table = Table(title=f"#{campaign.pk} {campaign.organisation.code} “{campaign.title}”: {campaign.status}")
    for label in ("queued", "sending", "sent", "failed", "unknown (interrupted)", "total"):
        table.add_column(label, justify="right")
    table.add_row(*(str(figures[key]) for key in ("queued", "sending", "sent", "failed", "interrupted", "total")))
    console.print(table)
    problems = campaign.recipients.filter(status__in=[RecipientStatus.FAILED, RecipientStatus.INTERRUPTED])
    if problems.exists():
        detail = Table(title="Failed or unknown (first 20)")
        for column in ("row", "e-mail", "status", "attempts", "reason"):
            detail.add_column(column)
        for row in problems[:20]:
            detail.add_row(str(row.source_row), row.email, row.status, str(row.attempts), row.error)
        console.print(detail)


@warnings_app.command("status")
def warnings_status(
    campaign_id: int = typer.Argument(..., metavar="CAMPAIGN_ID"),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Delivery figures of a campaign, with the failed and unknown deliveries."""
    setup_django()
    actor, _recorded = acting_user(user)
    _print_status(_campaign(campaign_id, actor).pk)
