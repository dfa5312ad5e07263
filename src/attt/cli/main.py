"""The `attt` command line: every bulk job, with progress bars for the long ones."""

from __future__ import annotations

import getpass
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

app = typer.Typer(
    help="ATTT: information-security compliance and incident response.", no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
systems_app = typer.Typer(help="Information-system inventory: bulk import and export.", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper-evident audit log.", no_args_is_help=True)
app.add_typer(systems_app, name="systems")
app.add_typer(audit_app, name="audit")
console = Console()
err = Console(stderr=True)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attt.settings")
    import django

    django.setup()


@contextmanager
def progress_bar(description: str, total: int | None):
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)


def acting_user(username: str | None):
    """The account a CLI job acts as: a named user (their scope applies) or the platform operator."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            err.print(f"[red]Unknown or inactive user “{username}”.")
            raise typer.Exit(2)
        return user, user
    # The shell operator already controls the whole installation: act with global scope.
    operator = User(username=f"cli:{getpass.getuser()}", is_superuser=True, is_active=True)
    return operator, None


def organisation_or_exit(user, code: str):
    """The organisation with ``code`` that ``user`` can see, or exit 2 with a message."""
    from attt.tenancy.models import Organisation

    organisation = Organisation.objects.visible_to(user).filter(code=code.strip().upper()).first()
    if organisation is None:
        err.print(f"[red]Unknown organisation code “{code}”.")
        raise typer.Exit(2)
    return organisation


@app.command()
def migrate():
    """Create or upgrade the database schema."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    threads: int = typer.Option(8, help="Worker threads."),
):
    """Serve the web application and API (waitress, static files by WhiteNoise)."""
    setup_django()
    from waitress import serve as waitress_serve

    from attt.wsgi import application

    console.print(f"ATTT on [bold]http://{host}:{port}/[/bold]  (API docs: /api/docs/)")
    from django.conf import settings

    # Waitress refuses bodies over 1 GiB by default; scanner reports may reach ATTT_SCAN_MAX_BYTES
    # (the upload handler enforces that limit itself while streaming to disk).
    waitress_serve(application, host=host, port=port, threads=threads, ident="attt",
                   max_request_body_size=settings.ATTT_SCAN_MAX_BYTES + 1024 * 1024)


@app.command()
def worker(workers: int = typer.Option(2, help="Worker threads.")):
    """Run the background task worker (huey; SQLite by default, Redis with REDIS_URL)."""
    setup_django()
    from django.core.management import call_command

    call_command("run_huey", workers=workers, worker_type="thread")


@app.command()
def demo():
    """Load the demo organisations, users and systems (idempotent) and print the logins."""
    setup_django()
    from attt.cli.demo import load_demo

    result = load_demo()
    table = Table(title="ATTT demo logins (password for all: " + result["password"] + ")")
    for column in ("user name", "organisation", "role"):
        table.add_column(column)
    for row in result["logins"]:
        table.add_row(*row)
    console.print(table)


@app.command()
def createadmin(
    username: str = typer.Argument(..., help="User name of the platform administrator."),
    email: str = typer.Option("", help="E-mail address."),
    password: str = typer.Option(None, help="Password (asked for when omitted)."),
):
    """Create a platform administrator (sees every organisation)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        err.print(f"[red]User “{username}” already exists.")
        raise typer.Exit(1)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        err.print("[red]" + " ".join(exc.messages))
        raise typer.Exit(1)
    User.objects.create_superuser(username, email, password)
    console.print(f"Platform administrator “{username}” created.")


@systems_app.command("import")
def systems_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="XLSX or CSV file."),
    org: str = typer.Option(..., "--org", help="Organisation code: default owner; every row must lie inside it."),
    as_user: str = typer.Option(None, "--as", help="Act as this user (their scope applies)."),
):
    """Import systems, all or nothing: any bad row rejects the file with every problem listed."""
    setup_django()
    from attt.inventory import spreadsheet
    from attt.tenancy import audit

    user, audit_user = acting_user(as_user)
    organisation = organisation_or_exit(user, org)
    content = file.read_bytes()
    with audit.acting_as(audit_user, label=user.get_username()):
        try:
            planned = spreadsheet.parse_file(user, file.name, content, organisation)
            with progress_bar("Importing systems", len(planned)) as advance:
                result = spreadsheet.store_systems(user, planned, progress=advance)
        except spreadsheet.SpreadsheetRejected as exc:
            table = Table(title=f"{file.name} rejected: nothing was stored")
            for column in ("row", "column", "problem"):
                table.add_column(column)
            for problem in exc.problems:
                table.add_row(str(problem.row), problem.column, problem.message)
            err.print(table)
            raise typer.Exit(1)
    console.print(f"Imported {result.created} new and {result.updated} updated systems into {organisation.code}.")


@systems_app.command("export")
def systems_export(
    file: Path = typer.Argument(..., dir_okay=False, help="Output file: .xlsx or .csv."),
    org: str = typer.Option(None, "--org", help="Only this organisation's subtree."),
    as_user: str = typer.Option(None, "--as", help="Act as this user (their scope applies)."),
    language: str = typer.Option("vi", help="Header language: vi or en."),
):
    """Export systems to XLSX or CSV (the import template's columns)."""
    setup_django()
    from attt.inventory import spreadsheet
    from attt.inventory.models import InformationSystem

    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        err.print("[red]The output file must end in .xlsx or .csv.")
        raise typer.Exit(2)
    user, _audit_user = acting_user(as_user)
    systems = InformationSystem.objects.visible_to(user)
    if org:
        organisation = organisation_or_exit(user, org)
        systems = systems.within(organisation)
    from django.utils import translation

    with translation.override(language):
        rows = list(spreadsheet.export_queryset(systems))
        content = spreadsheet.write_csv(rows, language) if suffix == ".csv" else spreadsheet.write_xlsx(rows, language)
    file.write_bytes(content)
    console.print(f"Exported {len(rows)} systems to {file}.")


@audit_app.command("verify")
def audit_verify():
    """Recompute the hash chain; report the first broken link (exit code 1)."""
    setup_django()
    from attt.tenancy import audit
    from attt.tenancy.models import AuditEntry

    with progress_bar("Verifying audit chain", AuditEntry.objects.count()) as advance:
        result = audit.verify_chain(progress=advance)
    if result.ok:
        console.print(f"[green]Audit chain intact: {result.checked} entries verified.")
        return
    err.print(f"[red]Audit chain BROKEN at entry #{result.broken_sequence}: {result.reason} "
              f"({result.checked} entries verified before it).")
    raise typer.Exit(1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context):
    """Run any Django management command (e.g. `attt manage compilemessages`)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["attt manage", *ctx.args])


def run():
    app()


if __name__ == "__main__":
    sys.exit(run())


def _register_rooms():
    # Each room's commands live beside its own concerns; imported last, they reuse the helpers above.
    from .incidents import incidents_app
    from .levels import levels_app
    from .obligations import obligations_app
    from .readiness import team_app
    from .reports import reports_app
    from .scans import scans_app
    from .warnings import warnings_app

    app.add_typer(levels_app, name="levels")
    app.add_typer(obligations_app, name="obligations")
    app.add_typer(scans_app, name="scans")
    app.add_typer(incidents_app, name="incidents")
    app.add_typer(team_app, name="team")
    app.add_typer(warnings_app, name="warnings")
    app.add_typer(reports_app, name="reports")


_register_rooms()
