"""Local days and instants in IANA zones, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import local_day, local_instant, local_text, parse_hhmm, week_start, zone


def test_time_in_a_dst_gap_moves_to_the_next_valid_minute():
    """Berlin skips 02:00-03:00 on 2026-03-29: a 02:30 post goes out at 03:00 CEST."""
    berlin = zone("Europe/Berlin")
    assert local_instant(date(2026, 3, 29), time(2, 30), berlin) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_repeated_hour_takes_its_first_occurrence():
    """New York repeats 01:00-02:00 on 2026-11-01: 01:30 means the first (EDT) one."""
    ny = zone("America/New_York")
    assert local_instant(date(2026, 11, 1), time(1, 30), ny) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_week_starts_monday_midnight_local():
    """Kolkata's week starting Monday 2026-11-23 00:00 IST is Sunday 18:30 UTC."""
    kolkata = zone("Asia/Kolkata")
    wed = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert week_start(wed, kolkata) == datetime(2026, 11, 22, 18, 30, tzinfo=UTC)
    assert local_day(datetime(2026, 11, 22, 19, 0, tzinfo=UTC), kolkata) == date(2026, 11, 23)


def test_zone_names_forgive_case_and_refuse_nonsense():
    """asia/kolkata is Asia/Kolkata; Mars/Base and paths are not zones."""
    assert zone("asia/kolkata").key == "Asia/Kolkata"
    assert zone("Mars/Base") is None and zone("../etc/passwd") is None and zone("") is None


def test_hhmm_accepts_24_hour_times_only():
    """09:00, 9:05 and 23.59 parse; 24:00, 9am and 12:60 do not."""
    assert parse_hhmm("9:05") == time(9, 5) and parse_hhmm("23.59") == time(23, 59)
    assert parse_hhmm("24:00") is None and parse_hhmm("9am") is None and parse_hhmm("12:60") is None


def test_zone_completion_is_fuzzy_and_knows_common_names() -> None:
    """A misspelt city, a lowercase name, a country and nothing typed all get real zones."""
    from bot.core.clock import complete_zones, zone

    assert complete_zones("kolkatta")[0] == "Asia/Kolkata"
    assert complete_zones("new york")[0] == "America/New_York"
    assert complete_zones("india")[0] == "Asia/Kolkata"
    assert complete_zones("")[0] == "Asia/Kolkata" and len(complete_zones("", 5)) == 5
    assert complete_zones("xyzzy") == []
    assert len(complete_zones("a")) == 25
    assert all(zone(z) is not None for q in ("kolkatta", "ber", "", "ist") for z in complete_zones(q))


@pytest.mark.parametrize(("tz", "text"), [
    ("Asia/Kolkata", "2026-11-26 09:00 Asia/Kolkata (03:30 UTC)"),
    ("Asia/Dubai", "2026-11-26 07:30 Asia/Dubai (03:30 UTC)"),  # its abbreviation is "+04"
    ("UTC", "2026-11-26 03:30 UTC"),
    ("Europe/London", "2026-11-26 03:30 Europe/London"),  # at UTC in winter: no UTC beside it
])
def test_local_text_names_the_zone_and_gives_utc_beside_it(tz, text):
    """An instant reads in the zone, named by its IANA key, with UTC beside it when they differ."""
    assert local_text(datetime(2026, 11, 26, 3, 30, tzinfo=UTC), ZoneInfo(tz)) == text
