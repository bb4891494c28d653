"""The pages' words in the six Skills4Cities languages: one gettext catalogue per language,
`web/translations/<lang>/LC_MESSAGES/messages.po`, looked up with Flask-Babel (`_()` in Python
and in templates). A translator edits the .po files only; `make messages` re-extracts the
strings from the code into `messages.pot` and merges them into every .po.

The .po files are read at start-up (no compiled .mo files): nothing to build by hand or to
forget after an edit, and nothing generated in the repository.

Only the pages that let the reader choose a language pick one (`choose_language_with`); every
other page stays in English, the source language. Data that is multilingual by nature (role
and unit names in credentials, registry names and recognition notes) stays in its language
maps and is not in the catalogues.
"""
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, g, request
from flask_babel import Babel, Domain, get_locale

# The Skills4Cities partner languages, each named in itself, in the order pages list them.
LANGUAGES = {"en": "English", "bg": "Български", "ro": "Română", "el": "Ελληνικά",
             "es": "Español", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
_RULE_KEY = "s4c_language_rule"

LanguageRule = Callable[[], str]


def po_path(lang: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def read_catalogues(directory: Path = TRANSLATIONS_DIR) -> dict[str, Translations]:
    """Every language's .po file as gettext translations. Fuzzy entries are left out, as
    `pybabel compile` leaves them out; an empty translation falls back to the English msgid."""
    catalogues = {}
    for lang in LANGUAGES:
        with po_path(lang, directory).open("rb") as po:
            catalog = read_po(po, locale=lang, domain=DOMAIN)
        mo = BytesIO()
        write_mo(mo, catalog, use_fuzzy=False)
        mo.seek(0)
        catalogues[lang] = Translations(mo, domain=DOMAIN)
    return catalogues


class _PoDomain(Domain):
    """Flask-Babel's message domain, answered from the catalogues read at start-up."""

    def __init__(self, catalogues: dict[str, Translations]) -> None:
        super().__init__(domain=DOMAIN)
        self._catalogues = catalogues

    def get_translations(self) -> NullTranslations:
        return self._catalogues.get(str(get_locale())) or NullTranslations()


class _Catalogues(Babel):
    def __init__(self, app: Flask, catalogues: dict[str, Translations]) -> None:
        self._po_domain = _PoDomain(catalogues)
        super().__init__(app, default_locale=DEFAULT_LANGUAGE, default_domain=DOMAIN,
                         locale_selector=_chosen_language)

    @property
    def domain_instance(self) -> Domain:
        return self._po_domain


def init_i18n(app: Flask) -> None:
    """Flask-Babel for `app`: `_()`, `ngettext()`, `pgettext()` in Python and templates."""
    _Catalogues(app, read_catalogues())


def choose_language_with(blueprint: Blueprint, rule: LanguageRule) -> None:
    """The pages of `blueprint` speak the language `rule()` returns. The rule runs at the
    first word looked up, inside the view: the verify page reads `lang` from a form whose
    size limit the view raises first."""
    @blueprint.before_request
    def _remember_rule() -> None:
        setattr(g, _RULE_KEY, rule)


def _chosen_language() -> str | None:
    rule = g.get(_RULE_KEY)
    return rule() if rule is not None else None  # None: Flask-Babel's default, English


def current_language() -> str:
    """The language of this request's page ('en' when the page does not choose one)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def verify_page_language() -> str:
    """The employer page: `lang` from the query or the form (case and region ignored:
    `DE-at` is `de`), else the browser's Accept-Language, else English."""
    best = request.accept_languages.best_match(list(LANGUAGES))
    for candidate in (request.values.get("lang"), best):
        if candidate and candidate.lower()[:2] in LANGUAGES:
            return candidate.lower()[:2]
    return DEFAULT_LANGUAGE


def registry_page_language() -> str:
    """The registry's pages: `?lang=` when it is exactly one of the six codes, else the
    browser's Accept-Language, else English."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)
