"""Findings in words: each code's sentence comes from the gettext catalogue, where the code
itself is the msgid, in the reader's language (English included), with its parameters
formatted for that language by Babel (dates, numbers). The CLI and the APIs render English
from the same catalogue; nothing here or anywhere parses words back into meaning."""
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from vc.findings import Finding, Param
from web.i18n import DEFAULT_LANGUAGE, current_language
from web.i18n import read_catalogues as _read_catalogues

# read once per process: parsing the six .po files takes a third of a second, and a cohort
# page says hundreds of findings
read_catalogues = cache(_read_catalogues)


def _formatted(value: Param, lang: str) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, format="medium", locale=lang)
    if isinstance(value, date):
        return format_date(value, format="long", locale=lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_decimal(value, locale=lang)
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
