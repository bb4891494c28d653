"""Points in time as credentials write them: XML Schema dateTimeStamp (RFC 3339 with a time
zone), as VC DM 2.0 §4.9 and VC Data Integrity 1.0 §2.1 (`created`, `expires`) require."""
from datetime import UTC, datetime

MAX_INSTANT_CHARS = 64


def parse_instant(value: object) -> datetime | None:
    """An aware UTC datetime, or None for anything that is not a dateTimeStamp."""
    if not isinstance(value, str) or len(value) > MAX_INSTANT_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None
