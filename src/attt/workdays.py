"""Vietnamese working days, for the legal clocks counted in "ngày làm việc".

A day is a working day unless it is a Saturday or Sunday or a public holiday, where the holidays
(lunar Tết, observed days, the National Day's second day) come from the ``holidays`` package and
the yearly official swaps of the civil service come from ``workdays.yaml``. The YAML wins over
the package, which wins over the weekday rule: a notice can make a Saturday a working day.

The calendar is the civil service's because the clocks we count run at appraising and approving
bodies (specialised units, ministries); a private owner's own Tết days do not move them.
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import holidays

from . import languages
from .yamldata import parse_date, read_catalogue

WORKDAYS_FILE = Path(__file__).resolve().parent / "workdays.yaml"
COUNTRY = "VN"
KINDS = ("day_off", "working_day")
# Tooltip text for a swap whose entry gives no name.
DEFAULT_NAMES = {
    "day_off": {"vi": "Ngày nghỉ hoán đổi", "en": "Swapped day off"},
    "working_day": {"vi": "Ngày làm việc bù", "en": "Make-up working day"},
}
# The package's language codes for ours.
PACKAGE_LANGUAGES = {"vi": "vi", "en": "en_US"}

_TEXT = {"type": "string", "minLength": 1}
SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["date", "kind", "citation"],
        "additionalProperties": False,
        "properties": {
            "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "kind": {"enum": list(KINDS)},
            "citation": _TEXT,
            "name": {
                "type": "object", "required": ["vi", "en"], "additionalProperties": False,
                "properties": {"vi": _TEXT, "en": _TEXT},
            },
            "note": _TEXT,
        },
    },
}


@dataclass(frozen=True)
class Swap:
    """One official decision about one date: given off, or worked although a weekend/holiday."""

    day: datetime.date
    kind: str
    citation: str
    name: dict
    note: str = ""

    @property
    def is_working(self):
        return self.kind == "working_day"


def load_swaps(path=WORKDAYS_FILE):
    """Validate a swaps file into {date: Swap}; CatalogueError names the file and line."""
    data, _root, fail = read_catalogue(path, SCHEMA)
    swaps = {}
    for index, item in enumerate(data):
        day = parse_date(item["date"], [index, "date"], fail)
        if day in swaps:
            fail([index, "date"], f"{item['date']} is listed twice")
        swaps[day] = Swap(day=day, kind=item["kind"], citation=item["citation"],
                          name=item.get("name", DEFAULT_NAMES[item["kind"]]),
                          note=item.get("note", ""))
    return swaps


@functools.cache
def _official_swaps():
    # Read once per process: the file changes only with a deploy.
    return load_swaps(WORKDAYS_FILE)


@dataclass(frozen=True)
class _Year:
    status: dict  # date -> is working; dates absent follow the Monday–Friday rule
    names: dict  # language -> {date: name}


@functools.cache
def _year(year):
    """Everything that departs from Monday–Friday in ``year``, cached per year."""
    status, names = {}, {lang: {} for lang in PACKAGE_LANGUAGES}
    # Neighbouring years too: a swap is filed under the year of its day off, and its worked
    # Saturday can fall in the year before (31/12/2018 off, 05/01/2019 worked).
    years = range(year - 1, year + 2)
    for lang, code in PACKAGE_LANGUAGES.items():
        calendar = holidays.country_holidays(COUNTRY, years=years, language=code)
        for day, name in calendar.items():
            if day.year == year:
                status[day] = False
                names[lang][day] = name
        # Worked Saturdays the package knows (newer releases only, hence getattr).
        for day in getattr(calendar, "weekend_workdays", ()):
            if day.year == year:
                status[day] = True
                names[lang].setdefault(day, DEFAULT_NAMES["working_day"][lang])
    for day, swap in _official_swaps().items():
        if day.year == year:
            status[day] = swap.is_working
            for lang in PACKAGE_LANGUAGES:
                names[lang][day] = swap.name[lang]
    return _Year(status=status, names=names)


def _as_date(day):
    # A datetime would never match the date keys of the cache.
    return day.date() if isinstance(day, datetime.datetime) else day


def is_working_day(day: datetime.date) -> bool:
    day = _as_date(day)
    status = _year(day.year).status.get(day)
    return day.weekday() < 5 if status is None else status


def _language(language):
    if language is None:
        return languages.active()
    return "en" if language.lower().startswith("en") else "vi"


def holiday_name(day: datetime.date, language: str | None = None) -> str | None:
    """The holiday's or swap's name for a tooltip, in ``language`` (default: the active one).

    None for ordinary working days and plain weekends.
    """
    day = _as_date(day)
    return _year(day.year).names[_language(language)].get(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``start``; ``start`` itself is never counted.

    Matches "trong N ngày làm việc kể từ ngày nhận": the day of receipt does not count
    (Civil Code 2015 Art 147). ``count`` 0 returns ``start`` unchanged.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    day = _as_date(start)
    one = datetime.timedelta(days=1)
    while count:
        day += one
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; the mirror value, negative, when ``end`` is before ``start``."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    one = datetime.timedelta(days=1)
    count, day = 0, start
    while day < end:
        day += one
        count += is_working_day(day)
    return count
