"""One parser of dateTimeStamp (VC DM 2.0 §4.9) for the data model, proofs, verifier, registry."""
from datetime import UTC, datetime
from fractions import Fraction

import pytest

from vc.instants import (
    date_time_seconds,
    format_instant,
    instant_seconds,
    parse_date_time,
    parse_instant,
    read_instant,
)


@pytest.mark.parametrize("text, expected", [
    ("2025-01-31T09:00:00Z", datetime(2025, 1, 31, 9, tzinfo=UTC)),
    ("2025-01-31T11:30:00+02:30", datetime(2025, 1, 31, 9, tzinfo=UTC)),
    ("2025-01-31T09:00:00.1234567891Z", datetime(2025, 1, 31, 9, 0, 0, 123456, tzinfo=UTC)),
    ("2024-02-29T24:00:00Z", datetime(2024, 3, 1, tzinfo=UTC)),
    ("2025-01-01T00:00:00-14:00", datetime(2025, 1, 1, 14, tzinfo=UTC)),  # ±14:00 exactly
])
def test_date_time_stamps_parse_to_utc(text, expected):
    assert parse_instant(text) == expected


@pytest.mark.parametrize("text", [
    "2025-01-31T09:00:00",          # no time zone
    "2025-01-31 09:00:00Z",         # space instead of T
    "20250131T090000Z",             # ISO 8601 basic format: not a dateTimeStamp
    "2025-04-31T09:00:00Z",         # 31 April
    "2025-02-29T09:00:00Z",         # not a leap year
    "2025-01-31T09:00:00+15:00",    # offset out of range
    "2025-01-31T09:00Z",            # seconds are required
    "10000-01-01T00:00:00Z",        # valid dateTimeStamp, beyond datetime: exact only
    "٢٠٢٥-01-31T09:00:00Z",         # non-ASCII digits
    "2025-01-31T09:00:00Z" + " " * 60,
])
def test_anything_else_is_not_an_instant(text):
    assert parse_instant(text) is None


def test_exact_seconds_cover_the_whole_grammar():
    assert instant_seconds("1970-01-01T00:00:00Z") == 0
    assert instant_seconds("1970-01-01T00:00:00.5+00:30") == Fraction(1, 2) - 1800
    assert instant_seconds("10000-01-01T00:00:00Z") == 253402300800
    assert instant_seconds("-0001-01-01T00:00:00Z") < instant_seconds("0000-01-01T00:00:00Z")
    assert instant_seconds("2025-04-31T09:00:00Z") is None


def test_read_instant_says_what_is_wrong_and_format_writes_utc_seconds():
    with pytest.raises(ValueError, match="validFrom '2025-01-31T09:00:00' has no time zone"):
        read_instant("2025-01-31T09:00:00", "validFrom")
    with pytest.raises(ValueError, match="validUntil must be a date-time string"):
        read_instant(5, "validUntil")
    with pytest.raises(ValueError, match="is not a date-time with a time zone"):
        read_instant("tomorrow", "validUntil")
    moment = read_instant("2025-01-31T11:30:00.25+02:30")
    assert format_instant(moment) == "2025-01-31T09:00:00Z"
    with pytest.raises(ValueError):
        format_instant(datetime(2025, 1, 1))


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01-09T16:23:24Z", datetime(2025, 1, 9, 16, 23, 24, tzinfo=UTC)),
    ("2025-01-09T18:23:24+02:00", datetime(2025, 1, 9, 16, 23, 24, tzinfo=UTC)),
    # VC DM 1.1: an XML Schema dateTime may leave out its time zone; read as UTC
    ("2025-01-09T16:23:24", datetime(2025, 1, 9, 16, 23, 24, tzinfo=UTC)),
    ("2023-08-02T17:43:32.903", datetime(2023, 8, 2, 17, 43, 32, 903000, tzinfo=UTC)),
    ("2025-01-09T24:00:00", datetime(2025, 1, 10, tzinfo=UTC)),
])
def test_an_xml_schema_date_time_is_read_with_or_without_its_time_zone(text, expected):
    assert parse_date_time(text) == expected
    since = expected - datetime(1970, 1, 1, tzinfo=UTC)
    assert date_time_seconds(text) == since.days * 86400 + since.seconds + Fraction(
        since.microseconds, 10**6)


@pytest.mark.parametrize("text", ["2025-01-09", "2025-01-09 16:23:24", "2025-02-30T00:00:00",
                                  "2025-01-09T16:23:24z", "20250109T162324Z", ""])
def test_what_is_not_an_xml_schema_date_time_is_refused(text):
    assert parse_date_time(text) is None
    assert date_time_seconds(text) is None


def test_a_date_time_stamp_still_needs_its_time_zone():
    assert parse_instant("2025-01-09T16:23:24") is None
    assert instant_seconds("2025-01-09T16:23:24") is None
