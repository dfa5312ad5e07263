"""Layers you can see (ARCHITECTURE.md): views and API call services; services never import views
or the API; models import neither. This test fails on a forbidden import."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "services": ("views", "api", "forms"),
    "models": ("views", "api", "services", "forms"),
    "spreadsheet": ("views", "api"),
    "addressing": ("views", "api", "models"),
    "audit": ("views", "api"),
    "scoping": ("views", "api"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_layer_imports_upwards():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        forbidden = FORBIDDEN.get(path.stem)
        if not forbidden:
            continue
        for module in imported_modules(path):
            last = module.split(".")[-1]
            if module.startswith("attt.") and last in forbidden:
                offences.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offences, "\n".join(offences)


def test_files_stay_small():
    too_long = [
        f"{p.relative_to(PACKAGE)}: {n} lines"
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert not too_long, too_long


# Rooms from the bottom up: a room may import the rooms below it, never one above it (a higher
# room reaches a lower room's pages through registries such as inventory/panels.py).
ROOMS = ["tenancy", "inventory", "levels", "obligations", "scans", "incidents", "readiness", "public", "reports", "dashboards"]


def test_rooms_import_only_downwards():
    offences = []
    for index, room in enumerate(ROOMS):
        above = set(ROOMS[index + 1:])
        for path in (PACKAGE / room).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for module in imported_modules(path):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "attt" and parts[1] in above:
                    offences.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offences, "\n".join(offences)
