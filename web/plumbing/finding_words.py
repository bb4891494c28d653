"""Findings in words: each code's sentence comes from the gettext catalogue, where the code
itself is the msgid, in the reader's language (English included), with its parameters
formatted for that language by Babel (dates, numbers). The CLI and the APIs render English
from the same catalogue; nothing here or anywhere parses words back into meaning."""
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from vc.findings import Finding, Param
from verifier.codes import LegacyCode
from web.plumbing.i18n import DEFAULT_LANGUAGE, current_language, read_catalogues

# a stored finding's parameters are JSON: these names hold an ISO 8601 date or instant, read
# back as one so that it is formatted for the reader's language (`from_stored`)
LEGACY = {"passed": LegacyCode.PASSED, "failed": LegacyCode.FAILED,
          "unknown": LegacyCode.UNKNOWN}


def _formatted(value: Param, lang: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or (isinstance(value, int) and -1000 < value < 1000):
        return str(value)  # no separator to place; all six languages write Latin digits
    return _formatted_by_babel(value, lang)


@lru_cache(maxsize=4096)
def _formatted_by_babel(value: Param, lang: str) -> str:
    """Babel is slow (~0.1 ms a call) and a report repeats its dates: remembered, since the
    same value in the same language is always written the same way."""
    if isinstance(value, datetime):
        # the day in the reader's words, the time in UTC, said so: an employer elsewhere
        # must not read another time zone's clock
        when = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return (f"{format_date(when, format='long', locale=lang)} "
                f"{format_time(when, format='HH:mm', tzinfo=UTC, locale=lang)} UTC")
    if isinstance(value, date):
        return format_date(value, format="long", locale=lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        try:
            return format_decimal(value, locale=lang)
        except (ArithmeticError, ValueError):  # e.g. 1e30 or inf: Babel cannot round it
            return str(value)
    return value


def has_words(code: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """The catalogue of `lang` has a (non-fuzzy) sentence for `code`."""
    return read_catalogues()[lang].gettext(code) != code


def say_in(found: Finding, lang: str) -> str:
    """`found` as a sentence in `lang`. A code the catalogue lacks is a bug the catalogue test
    catches; at run time it shows as the code itself rather than a wrong sentence."""
    template = read_catalogues()[lang].gettext(found.code)
    params: Mapping[str, str] = {k: _formatted(v, lang) for k, v in found.params.items()}
    try:
        return template % params if params or "%(" in template else template
    except (KeyError, ValueError, TypeError):
        return template


def say(found: Finding) -> str:
    """`found` in the current request's page language (English outside a request)."""
    try:
        lang = current_language()
    except RuntimeError:  # no request context: the CLI
        lang = DEFAULT_LANGUAGE
    return say_in(found, lang if lang in read_catalogues() else DEFAULT_LANGUAGE)


def say_english(found: Finding) -> str:
    """`found` in English, for the CLI and the APIs' `reason` fields."""
    return say_in(found, DEFAULT_LANGUAGE)


def with_detail(sentence: str, found: Finding) -> str:
    """A sentence with the finding's technical detail after it, for one line of text."""
    return f"{sentence} ({found.detail})" if found.detail else sentence


def reason_english(found: Finding) -> str:
    """The English `reason` of a check in the APIs and the CLI: the catalogue's sentence,
    then the technical detail."""
    return with_detail(say_english(found), found)


def from_stored(check: Mapping[str, Any]) -> Finding:
    """The finding of a check as a report's JSON holds it (`vc.checks.Check.to_json`). A
    check kept before findings were codes has only its English `reason`: it is said with its
    outcome's general sentence, the old reason kept as the detail."""
    if not isinstance(check.get("code"), str):
        outcome = str(check.get("outcome"))
        reason = check.get("reason")
        return Finding(LEGACY.get(outcome, LegacyCode.UNKNOWN), {},
                       reason if isinstance(reason, str) else None)
    raw = check.get("params") or {}
    if not isinstance(raw, Mapping):
        return Finding(LegacyCode.UNKNOWN)
    params: dict[str, Param] = {}
    for name, value in raw.items():
        params[name] = _stored_instant(value) if isinstance(value, str) else value
    detail = check.get("detail")
    try:  # built once (the APIs say every check of every answer: the hot path)
        return Finding(check["code"], params, detail if isinstance(detail, str) else None)
    except TypeError:  # a parameter of a type no finding has
        return Finding(LegacyCode.UNKNOWN)


def _stored_instant(value: str) -> Param:
    """A day or an instant as `Finding.to_json` writes them (ISO 8601: `2026-01-31`,
    `2026-01-31T10:00:00+00:00`), back as a date to be written the reader's way; any other
    text stays as it is."""
    if len(value) < 10 or value[4] != "-" or value[7] != "-" or not (
            value[:4].isdigit() and value[5:7].isdigit() and value[8:10].isdigit()):
        return value
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        if len(value) >= 19 and value[10] == "T":
            return datetime.fromisoformat(value)
    except ValueError:
        pass
    return value


def with_reasons(report: dict[str, Any]) -> dict[str, Any]:
    """A report's JSON (a credential's, a presentation's with its credentials', a receipt's)
    with each check's English `reason` beside its `code` and `params` (VC-API answers and
    `s4c verify --json`)."""
    out = dict(report)
    if isinstance(report.get("checks"), list):
        out["checks"] = [{**c, "reason": reason_english(from_stored(c))}
                         if isinstance(c, dict) else c for c in report["checks"]]
    if isinstance(report.get("credentials"), list):
        out["credentials"] = [with_reasons(r) if isinstance(r, dict) else r
                              for r in report["credentials"]]
    receipt = report.get("receipt")
    if isinstance(receipt, dict) and isinstance(receipt.get("code"), str):
        out["receipt"] = {**receipt, "reason": reason_english(from_stored(receipt))}
    return out


# A Python object's repr (`<_io.BytesIO object at 0x7f…>`) that a library put in its message:
# it means nothing to a reader and tells an attacker about the process. (A scrub of the
# technical detail, never a reading of its meaning.)
_REPR = re.compile(r"<[A-Za-z_][\w.]* object at 0x[0-9a-fA-F]+>")


def without_reprs(detail: str | None) -> str | None:
    return _REPR.sub("…", detail) if detail else detail
