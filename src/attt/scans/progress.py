"""Progress of a running import, readable by another process (the web page polls it).

The import runs inside one transaction, so its own row cannot show progress to others until it
commits. A small JSON file beside the upload carries the figures instead, rewritten at most twice a
second. Bytes read come from the kernel's view of the open file (/proc/self/fdinfo), so parsers
need no hooks; where /proc is missing only the record count is shown.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def progress_file(scan_import_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "scans" / "progress" / f"{scan_import_id}.json"


def read(scan_import_id: int) -> dict:
    try:
        return json.loads(progress_file(scan_import_id).read_text())
    except (OSError, ValueError):
        return {}


def clear(scan_import_id: int):
    progress_file(scan_import_id).unlink(missing_ok=True)


class ProgressWriter:
    def __init__(self, scan_import_id: int, path: Path, total: int, echo=None):
        self.target = progress_file(scan_import_id)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = os.path.realpath(path)
        self.total = total
        self.echo = echo  # the CLI's progress bar
        self._last = 0.0

    def __call__(self, records: int):
        now = time.monotonic()
        if now - self._last < 0.5:
            return
        self._last = now
        done = self.bytes_read()
        if self.echo is not None:
            self.echo(done, records)
        temporary = self.target.with_suffix(".tmp")
        temporary.write_text(json.dumps({"records": records, "bytes": done, "total": self.total}))
        os.replace(temporary, self.target)

    def bytes_read(self) -> int | None:
        """Largest read position among this process's open handles on the file."""
        best = None
        try:
            for fd in os.listdir("/proc/self/fd"):
                try:
                    if os.readlink(f"/proc/self/fd/{fd}") != self.path:
                        continue
                    with open(f"/proc/self/fdinfo/{fd}") as info:
                        position = int(info.readline().split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                best = position if best is None else max(best, position)
        except OSError:
            return None
        return best
