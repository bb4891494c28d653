"""The registry console's forms: what a submitted form means to the registry service, and
each problem in the reader's language next to its field.

Field names are the JSON API's (`country`, `maxEqfLevel`, ...), so a problem's JSON Pointer
(`/country`) names its form field; a language map is one input per language
(`name-en`, `name-bg`, ...). Every field is read, then every problem reported together.
"""
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from registry.codes import RegistryCode
from registry.errors import FieldProblem
from registry.validation import Problems
from vc.instants import read_instant
from web.plumbing.finding_words import say
from web.plumbing.i18n import LANGUAGES

MAX_FIELD = 4000


def text(form: MultiDict, key: str) -> str:
    return form.get(key, "")[:MAX_FIELD].strip()


def language_map(form: MultiDict, prefix: str) -> dict[str, str]:
    """`{lang: text}` of the filled-in inputs `<prefix>-<lang>`."""
    return {lang: value for lang in LANGUAGES if (value := text(form, f"{prefix}-{lang}"))}


def date(form: MultiDict, key: str, problems: Problems) -> datetime | None:
    """A `YYYY-MM-DD` input as its midnight UTC; empty is None."""
    value = text(form, key)
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return read_instant(f"{value}T00:00:00Z", key)
    except ValueError:
        problems.add(f"/{key}", RegistryCode.DATE_INVALID, what=key)
        return None


def integer(form: MultiDict, key: str, problems: Problems) -> int | None:
    value = text(form, key)
    if not value:
        problems.add(f"/{key}", RegistryCode.FIELD_REQUIRED, what=key)
        return None
    try:
        return int(value)
    except ValueError:
        problems.add(f"/{key}", RegistryCode.NOT_A_NUMBER, what=key)
        return None


def field_messages() -> dict[str, str]:
    """What to do about a problem at each field, in the page's language."""
    dates = _("Enter a date as YYYY-MM-DD; the end must come after the start.")
    return {
        "/slug": _("Enter a short name of 1–40 lowercase letters, digits or hyphens "
                   "(“operator” is reserved)."),
        "/country": _("Enter the country as two letters, such as BG."),
        "/name": _("Enter the name in at least one language (at most 2000 characters "
                   "each)."),
        "/password": _("Enter a console password of at least 12 characters."),
        "/validFrom": dates, "/validUntil": dates,
        "/issuer": _("Enter the body's DID, such as did:web:academy.example.eu."),
        "/achievements": _("Choose roles or units of the Skills4Cities framework."),
        "/maxEqfLevel": _("Choose an EQF level from 1 to 8."),
        "/eqfLevel": _("Choose an EQF level from 1 to 8."),
        "/nqfLevel": _("Enter the national level (at most 100 characters)."),
        "/equivalence": _("Enter the equivalence note in at least one language."),
        "/legalBasis": _("Enter the legal basis (at most 2000 characters)."),
    }


def field_errors(problems: tuple[FieldProblem, ...]) -> dict[str, str]:
    """Pointer -> the message shown at that field: what to do there, or, for a field the
    console has no advice for, the problem's finding from the catalogue (page language)."""
    messages = field_messages()
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.pointer or "/", messages.get(problem.pointer)
                          or say(problem.finding))
    return errors
