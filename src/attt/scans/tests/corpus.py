"""The scanner corpus for the parser tests: a byte-identical copy of ../shared/corpus/scans
(DefectDojo's BSD-3 samples; provenance and licence in corpus/MANIFEST.md), kept in the repo so
CI on a fresh checkout parses every file. ATTT_SCAN_CORPUS points elsewhere (e.g. a newer corpus)."""

import os
from pathlib import Path

import pytest

from attt.scans import parsers

CORPUS = Path(os.environ.get("ATTT_SCAN_CORPUS", Path(__file__).resolve().parent / "corpus"))


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    assert path.exists(), f"corpus file {relative} is missing from {CORPUS}"
    return path


def parse_all(relative: str, name: str = ""):
    """(module, report, findings) for one corpus file, every finding already cleaned."""
    module, report, findings = parsers.parse(corpus_file(relative), name)
    return module, report, list(findings)


def refused(relative: str) -> str:
    """The ParseError message for a file that must be refused."""
    with pytest.raises(parsers.ParseError) as caught:
        parse_all(relative)
    return str(caught.value)
