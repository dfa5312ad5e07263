"""`attt team …`: import an organisation's incident response team roster from CSV or XLSX."""

from pathlib import Path

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

team_app = typer.Typer(help="Incident response team: import the roster (members and certificates).",
                       no_args_is_help=True)


@team_app.command("import")
def team_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The roster: .csv or .xlsx."),
    org: str = typer.Option(..., "--org", help="Code of the organisation whose team the members join."),
    user: str = typer.Option(None, "--user", help="Act as this user (their scope applies)."),
):
    """Import team members, all or nothing: any bad row rejects the file with every problem listed.

    Columns: name, username (optional), internal/outsourced, provider, contract end, role,
    skills (;-separated), certificate name, issuer, number, expiry. A person with several
    certificates takes one row per certificate under the same name.
    """
    setup_django()
    from django.core.exceptions import PermissionDenied

    from attt.inventory.spreadsheet import SpreadsheetRejected
    from attt.readiness import services_team
    from attt.tenancy import audit

    actor, recorded = acting_user(user)
    organisation = organisation_or_exit(actor, org)
    with audit.acting_as(recorded, label=actor.get_username()):
        try:
            planned = services_team.parse_roster(actor, organisation, file.name, file.read_bytes())
            with progress_bar("Importing team members", len(planned)) as advance:
                added = services_team.store_roster(actor, organisation, planned, progress=advance)
        except PermissionDenied as error:
            err.print(f"[red]{error}")
            raise typer.Exit(2) from None
        except SpreadsheetRejected as error:
            table = Table(title=f"{file.name} rejected: nothing was stored")
            for column in ("row", "column", "problem"):
                table.add_column(column)
            for problem in error.problems:
                table.add_row(str(problem.row), str(problem.column), str(problem.message))
            err.print(table)
            raise typer.Exit(1) from None
    check = services_team.check_team(organisation)
    console.print(f"Imported {added} team members into {organisation.code}; "
                  f"{check.counted} of at least {check.minimum} experts count today.")
