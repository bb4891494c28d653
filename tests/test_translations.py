"""The gettext catalogues (web/translations): the template lists exactly the words the code
looks up, and every language translates every one of them (no gap, no fuzzy guess, the same
placeholders, plain text only)."""
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from web.plumbing.i18n import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS_DIR, po_path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = TRANSLATIONS_DIR / "messages.pot"
# Templates print translations as they are (Jinja's gettext marks them safe): no markup.
NOT_PLAIN_TEXT = set('<>&"')


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id) for m in catalog if m.id}


def catalogue_problems(template: Catalog, po: Catalog, lang: str) -> list[str]:
    """What keeps `po` (the catalogue of `lang`) from saying every word of `template`."""
    problems = [f"{lang}: no entry for {ctx or ''}|{msgid!r}"
                for ctx, msgid in sorted(_ids(template) - _ids(po), key=str)]
    problems += [f"{lang}: {msgid!r} is no longer in the code (run `make messages`)"
                 for _ctx, msgid in sorted(_ids(po) - _ids(template), key=str)]
    for message in po:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"{lang}: {message.id!r} is fuzzy (a guess to review)")
        if not message.string and lang != DEFAULT_LANGUAGE:  # English: the msgid is the text
            problems.append(f"{lang}: {message.id!r} is not translated")
        if NOT_PLAIN_TEXT & set(message.string):
            problems.append(f"{lang}: {message.id!r} has markup in its translation")
    problems += [f"{lang}: {message.id!r}: {error}" for message, errors in po.check()
                 for error in errors]
    return problems


def test_the_template_lists_exactly_the_words_the_code_looks_up(tmp_path: Path):
    extracted = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()",
                    "-q", "extract", "-F", "babel.cfg", "-o", str(extracted), "."],
                   cwd=ROOT, check=True)
    assert _ids(_read(extracted)) == _ids(_read(TEMPLATE)), "run `make messages`"
    assert len(_ids(_read(TEMPLATE))) >= 90


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_language_translates_every_word(lang: str):
    assert catalogue_problems(_read(TEMPLATE), _read(po_path(lang), lang), lang) == []


def test_a_missing_fuzzy_or_broken_translation_is_reported():
    template = _read(TEMPLATE)
    po = _read(po_path("de"), "de")
    untranslated, fuzzy, marked_up, dropped = [m for m in po if m.id and not m.context][:4]
    untranslated.string = ""
    fuzzy.flags.add("fuzzy")
    marked_up.string += " <b>"
    po.delete(dropped.id)
    po["up to EQF level %(n)s"].string = "bis EQR-Niveau %(level)s"
    problems = catalogue_problems(template, po, "de")
    assert len(problems) == 5, problems
    for words in ("no entry for", "is not translated", "is fuzzy", "has markup",
                  "placeholder"):
        assert any(words in problem for problem in problems), (words, problems)
