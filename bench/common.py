"""What every benchmark starts with: Django on the environment's database, the command-line sizes,
a migrated schema and an organisation tree (one root, ten ministries, agencies under them)."""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attt.settings")
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from attt.testing import make_org  # noqa: E402


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<52} {time.perf_counter() - start:8.3f} s")
    return result


def start(default_systems=2000, default_orgs=300):
    """Parse --systems/--orgs, migrate, print the setting; return (args, root, ministries, agencies)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=default_systems)
    parser.add_argument("--orgs", type=int, default=default_orgs)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; systems: {args.systems}; organisations: {args.orgs}")
    root = make_org("ROOT", "national_regulator")
    ministries = [make_org(f"MIN-{i}", "ministry", root) for i in range(10)]
    agencies = [make_org(f"AG-{i}", "agency", ministries[i % 10]) for i in range(args.orgs - 11)]
    return args, root, ministries, agencies
