"""Texts in several languages: JSON-LD language values (VC Data Model 2.0 §11.1 Language and
Base Direction) and the {language: text} maps s4c reads them into.

A plain string has no language tag: it is read as `und` (BCP 47 "undetermined"). Reading
never depends on the order of array items: when one language is given twice, the text that
sorts first wins.
"""
UNTAGGED = "und"


def language_values(texts: dict[str, str]) -> list[dict[str, str]]:
    """{"en": "..."} -> [{"@value": "...", "@language": "en"}], sorted by language; empty
    texts are left out."""
    return [{"@value": text, "@language": lang} for lang, text in sorted(texts.items()) if text]


def language_map(value: object) -> dict[str, str]:
    """The inverse of `language_values`: a string or language values (one or a list) as
    language (lower case) -> text. Anything else in the list is ignored."""
    items = value if isinstance(value, list) else [value]
    out: dict[str, str] = {}
    for item in sorted(items, key=_text_of):
        if isinstance(item, str):
            out.setdefault(UNTAGGED, item)
        elif isinstance(item, dict) and isinstance(item.get("@value"), str):
            lang = item.get("@language")
            out.setdefault(lang.lower() if isinstance(lang, str) and lang else UNTAGGED,
                           item["@value"])
    return out


def _text_of(item: object) -> str:
    if isinstance(item, str):
        return item
    return str(item.get("@value")) if isinstance(item, dict) else ""


def pick_language(texts: dict[str, str], lang: str, fallback: str = "en") -> str | None:
    """The text in `lang`, else in its primary language (`pt` for `pt-BR`), else in
    `fallback`, else the untagged one, else the first by language; None when there is none."""
    for key in (lang.lower(), lang.split("-")[0].lower(), fallback, UNTAGGED):
        if key in texts:
            return texts[key]
    return texts[min(texts)] if texts else None
