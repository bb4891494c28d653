"""Points in time as credentials write them: the XML Schema 1.1 dateTimeStamp (RFC 3339 with
a time zone) that VC DM 2.0 §4.9 (`validFrom`, `validUntil`) and VC Data Integrity 1.0 §2.1
(`created`, `expires`) require. The one parser and the one formatter of s4c.

VC DM 1.1 (§4.6 `issuanceDate`, §4.8 `expirationDate`) allows any XML Schema 1.1 dateTime,
whose time zone is optional: `date_time_seconds` and `parse_date_time` read one without a
time zone as UTC (every VC DM 1.1 example is in UTC; XML Schema leaves such a value's
instant open by up to 14 hours).

`instant_seconds` is exact for any dateTimeStamp the grammar allows (any year, any number of
fractional digits, 24:00:00); `parse_instant` gives the `datetime` the services compute
with, and None for what a datetime cannot hold (years outside 1..9999).
"""
import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

MAX_INSTANT_CHARS = 64
_DATE_TIME = (
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])"
    r"-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9](?:\.[0-9]+)?)"
    r"|(?P<midnight>24:00:00(?:\.0+)?))"
)
_ZONE = r"(?P<tz>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
# VC DM 2.0 §4.9: the dateTimeStamp regular expression, time zone required.
DATE_TIME_STAMP = re.compile(_DATE_TIME + _ZONE)
# XML Schema 1.1 Part 2 §3.3.7 dateTime (VC DM 1.1): the time zone is optional.
DATE_TIME = re.compile(_DATE_TIME + _ZONE + "?")


def instant_seconds(text: str) -> Fraction | None:
    """Exact seconds since 1970-01-01T00:00:00Z of a dateTimeStamp, or None if it is not one
    (including a day the month does not have)."""
    return _seconds(text, DATE_TIME_STAMP)


def date_time_seconds(text: str) -> Fraction | None:
    """`instant_seconds` of an XML Schema dateTime, whose time zone may be left out (UTC)."""
    return _seconds(text, DATE_TIME)


def _seconds(text: str, grammar: re.Pattern[str]) -> Fraction | None:
    m = grammar.fullmatch(text) if len(text) <= MAX_INSTANT_CHARS else None
    if m is None:
        return None
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if day > _days_in_month(year, month):
        return None
    if m["midnight"]:
        clock = Fraction(86400)
    else:
        clock = int(m["hour"]) * 3600 + int(m["minute"]) * 60 + Fraction(m["second"])
    return _days_from_civil(year, month, day) * 86400 + clock - _offset_seconds(m["tz"])


def parse_instant(value: object) -> datetime | None:
    """An aware UTC datetime (to the microsecond), or None for anything that is not a
    dateTimeStamp or lies outside the years 1..9999."""
    return _datetime(value, DATE_TIME_STAMP)


def parse_date_time(value: object) -> datetime | None:
    """`parse_instant` of an XML Schema dateTime, whose time zone may be left out (UTC)."""
    return _datetime(value, DATE_TIME)


def _datetime(value: object, grammar: re.Pattern[str]) -> datetime | None:
    if not isinstance(value, str) or len(value) > MAX_INSTANT_CHARS:
        return None
    m = grammar.fullmatch(value)
    if m is None or len(m["year"]) != 4 or m["year"] == "0000":
        return None
    second = m["second"] or "00"
    whole, _, fraction = second.partition(".")
    try:
        moment = datetime(int(m["year"]), int(m["month"]), int(m["day"]),
                          int(m["hour"] or 0), int(m["minute"] or 0), int(whole),
                          int((fraction + "000000")[:6]), tzinfo=UTC)
        if m["midnight"]:
            moment += timedelta(days=1)
        return moment - timedelta(seconds=_offset_seconds(m["tz"]))
    except (ValueError, OverflowError):  # 31 April; 9999-12-31T24:00:00 and the like
        return None


def read_instant(value: object, what: str = "time") -> datetime:
    """`parse_instant` for input that must hold an instant: ValueError saying what is wrong."""
    moment = parse_instant(value)
    if moment is not None:
        return moment
    if not isinstance(value, str):
        problem = f"must be a date-time string, not {value!r}"[:200]
    elif len(value) <= MAX_INSTANT_CHARS and re.fullmatch(r"[0-9-]+T[0-9:.]+", value):
        problem = f"{value!r} has no time zone (add Z for UTC)"
    else:
        problem = (f"{value[:MAX_INSTANT_CHARS]!r} is not a date-time with a time zone, "
                   "e.g. 2025-01-31T09:00:00Z")
    raise ValueError(f"{what} {problem}")


def format_instant(moment: datetime) -> str:
    """A dateTimeStamp in UTC, to the second: how s4c writes every instant."""
    if moment.tzinfo is None:
        raise ValueError("an instant must carry a time zone")
    m = moment.astimezone(UTC)  # str.format: a third of strftime's cost (issuing path)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def _offset_seconds(tz: str | None) -> int:
    if tz is None or tz == "Z":
        return 0
    sign = -1 if tz[0] == "-" else 1
    return sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468
