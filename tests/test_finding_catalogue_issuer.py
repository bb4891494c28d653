"""Every code of the issuer, the cohort files, the registry and the mailer has its
sentence in all six catalogues, English included: no missing, empty or fuzzy entry, the same
named placeholders in every language, and no entry left for a code that no longer exists."""
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from issuer.codes import CohortCode, IssuerCode, WalletCode
from registry.codes import RegistryCode
from web.plumbing.i18n import LANGUAGES, po_path
from web.wiring.mail_codes import MailCode

ENUMS = (IssuerCode, CohortCode, WalletCode, RegistryCode, MailCode)
CODES = {str(member) for enum in ENUMS for member in enum}
# the codes' own namespaces: a msgid in one of them is a code, and must be a live one
NAMESPACE = re.compile(r"(issuer|cohort|wallet|registry|mail)\.[a-z0-9-]+")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalogue(lang: str) -> Catalog:
    with po_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def catalogue_problems(catalogues: dict[str, Catalog], codes: set[str]) -> list[str]:
    problems = []
    for code in sorted(codes):
        placeholders = {}
        for lang, catalogue in catalogues.items():
            message = catalogue.get(code)
            if message is None:
                problems.append(f"{lang}: no entry for {code}")
            elif message.fuzzy:
                problems.append(f"{lang}: {code} is fuzzy")
            elif not message.string:
                problems.append(f"{lang}: {code} has no sentence")
            else:
                placeholders[lang] = set(PLACEHOLDER.findall(message.string))
        if len({frozenset(p) for p in placeholders.values()}) > 1:
            problems.append(f"{code}: the languages use other placeholders: {placeholders}")
    for lang, catalogue in catalogues.items():
        problems += [f"{lang}: {m.id} is no code any more" for m in catalogue
                     if isinstance(m.id, str) and NAMESPACE.fullmatch(m.id)
                     and m.id not in codes]
    return problems


def test_every_issuer_and_registry_code_is_said_in_all_six_languages():
    assert len(CODES) > 100
    catalogues = {lang: _catalogue(lang) for lang in LANGUAGES}
    assert catalogue_problems(catalogues, CODES) == []


@pytest.mark.parametrize("break_it", ["drop", "fuzzy", "empty", "placeholder", "unused"])
def test_a_missing_fuzzy_empty_mismatched_or_unused_entry_is_reported(break_it):
    catalogues = {lang: _catalogue(lang) for lang in LANGUAGES}
    de = catalogues["de"]
    if break_it == "drop":
        de.delete("issuer.already-revoked")
    elif break_it == "fuzzy":
        de["issuer.already-revoked"].flags.add("fuzzy")
    elif break_it == "empty":
        de["issuer.already-revoked"].string = ""
    elif break_it == "placeholder":
        de["issuer.already-revoked"].string = "%(credential)s ist bereits widerrufen"
    else:
        de.add("issuer.gone-code", "weg")
    assert len(catalogue_problems(catalogues, CODES)) == 1
