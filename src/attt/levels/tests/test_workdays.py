"""Vietnamese working days: weekends, holidays from the package, official swaps from the YAML."""

import datetime
import textwrap

import pytest

from attt import workdays
from attt.levels.catalogue import CatalogueError
from attt.workdays import (
    add_working_days,
    holiday_name,
    is_working_day,
    load_swaps,
    working_days_between,
)

D = datetime.date


def days(first, last):
    step = datetime.timedelta(days=1)
    while first <= last:
        yield first
        first += step


def test_tet_2026_runs_from_saturday_14_to_sunday_22_february():
    # Thông báo 9441/TB-BNV: Tết Bính Ngọ, mùng 1 on 17/02/2026; 16–20/02 off plus weekends.
    assert is_working_day(D(2026, 2, 13))
    assert not any(is_working_day(day) for day in days(D(2026, 2, 14), D(2026, 2, 22)))
    assert is_working_day(D(2026, 2, 23))
    assert holiday_name(D(2026, 2, 17), "vi") == "Tết Nguyên Đán"
    assert holiday_name(D(2026, 2, 16), "en") == "Lunar New Year's Eve"


def test_30_april_and_1_may_2026_with_no_swap():
    assert not is_working_day(D(2026, 4, 30))
    assert not is_working_day(D(2026, 5, 1))
    assert is_working_day(D(2026, 4, 29))
    assert is_working_day(D(2026, 5, 4))
    assert holiday_name(D(2026, 5, 1), "vi") == "Ngày Quốc tế Lao động"


def test_national_day_2026_has_its_extra_day_and_the_swapped_monday():
    assert not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2026, 9, 1))  # the adjacent day (Labour Code Art 112.1.đ)
    assert not is_working_day(D(2026, 8, 31))  # swapped ...
    assert is_working_day(D(2026, 8, 22))  # ... for this Saturday (Thông báo 9441/TB-BNV)
    assert is_working_day(D(2026, 9, 3))
    assert holiday_name(D(2026, 9, 2), "vi") == "Quốc khánh"
    assert "22/08/2026" in holiday_name(D(2026, 8, 31), "vi")


def test_a_plain_weekend_is_not_a_working_day_and_has_no_name():
    assert not is_working_day(D(2026, 3, 7))
    assert not is_working_day(D(2026, 3, 8))
    assert is_working_day(D(2026, 3, 9))
    assert holiday_name(D(2026, 3, 7)) is None
    assert holiday_name(D(2026, 3, 9)) is None


def test_a_holiday_on_a_sunday_is_made_up_on_monday():
    # Giỗ Tổ Hùng Vương 10/3 âm lịch fell on Sunday 26/04/2026 (Labour Code Art 111.3).
    assert not is_working_day(D(2026, 4, 27))
    assert holiday_name(D(2026, 4, 27), "vi") == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert holiday_name(D(2026, 4, 27), "en") == "Hung Kings' Commemoration Day (observed)"


def test_swaps_only_the_yaml_knows():
    # Công văn 12729/VPCP-KGVX: Friday 2/1/2026 off, Saturday 10/1/2026 worked.
    assert not is_working_day(D(2026, 1, 2))
    assert is_working_day(D(2026, 1, 10))
    assert holiday_name(D(2026, 1, 10), "en") == "Make-up working day for 2 January 2026"
    # Thông báo 6150/TB-BLĐTBXH: Friday 2/5/2025 off, Saturday 26/4/2025 worked.
    assert not is_working_day(D(2025, 5, 2))
    assert is_working_day(D(2025, 4, 26))


def test_names_follow_the_active_language():
    # conftest activates English for unit tests.
    assert holiday_name(D(2026, 9, 2)) == "National Day"
    from django.utils import translation

    with translation.override("vi"):
        assert holiday_name(D(2026, 9, 2)) == "Quốc khánh"


def test_datetimes_are_taken_as_their_date():
    assert not is_working_day(datetime.datetime(2026, 2, 17, 9, 30))
    assert add_working_days(datetime.datetime(2026, 3, 6, 16, 0), 1) == D(2026, 3, 9)


def test_add_working_days_skips_tet():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    # Thursday 12/2: Fri 13 is the 1st, then Mon 23 … Thu 26 the 5th.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_add_working_days_skips_a_weekend():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 5), 5) == D(2026, 3, 12)
    # Counting from a Saturday: Monday is the first working day after it.
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)


def test_add_zero_working_days_returns_the_start_even_on_a_holiday():
    assert add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
    assert add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 17)


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="count must be >= 0"):
        add_working_days(D(2026, 3, 4), -1)


def test_working_days_between_both_directions():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert working_days_between(D(2026, 2, 23), D(2026, 2, 13)) == -1
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 13)) == 5
    assert working_days_between(D(2026, 3, 13), D(2026, 3, 6)) == -5
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 6)) == 0
    # The end counts, the start does not.
    assert working_days_between(D(2026, 3, 8), D(2026, 3, 9)) == 1


def test_between_and_add_agree():
    start = D(2026, 1, 1)
    for count in range(0, 260, 7):
        assert working_days_between(start, add_working_days(start, count)) == count


def test_the_shipped_swaps_load_with_citations():
    swaps = load_swaps()
    assert swaps, "workdays.yaml lists no swap"
    for swap in swaps.values():
        assert swap.citation and swap.name["vi"] and swap.name["en"]
        assert swap.kind in workdays.KINDS
    # A swap gives a weekday off or makes a weekend day worked; anything else changes nothing.
    assert all((swap.day.weekday() >= 5) == swap.is_working for swap in swaps.values())


def write(tmp_path, text):
    path = tmp_path / "workdays.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("text, line, reason", [
    ("""\
     - date: "2026-01-02"
       kind: day_off
       citation: CV 1
     - date: "2026-01-10"
       kind: holiday
       citation: CV 1
     """, 5, "'holiday' is not one of"),
    ("""\
     - date: "2026-02-30"
       kind: day_off
       citation: CV 1
     """, 1, "'2026-02-30' is not a valid date"),
    ("""\
     - date: "2026-01-02"
       kind: day_off
       citation: CV 1
     - date: "2026-01-02"
       kind: working_day
       citation: CV 2
     """, 4, "2026-01-02 is listed twice"),
    ("""\
     - date: "2026-01-02"
       kind: day_off
       kind: working_day
       citation: CV 1
     """, 3, "duplicate key 'kind'"),
    ("""\
     - date: "2026-01-02"
       kind: day_off
     """, 1, "'citation' is a required property"),
    ("""\
     - date: 2026-01-02
       kind: day_off
       citation: CV 1
       color: red
     """, 1, "Additional properties are not allowed"),
])
def test_a_bad_swaps_file_names_file_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as caught:
        load_swaps(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"workdays.yaml, line {line}: ")


def test_an_empty_list_is_a_valid_swaps_file(tmp_path):
    assert load_swaps(write(tmp_path, "[]\n")) == {}


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="the file is empty"):
        load_swaps(write(tmp_path, "# nothing\n"))
