"""The registry's public pages: accredited bodies (searchable) and each role's recognition
by country, in the six languages (`?lang=`, else the browser's Accept-Language)."""
from flask import Blueprint, abort, render_template, request

from registry import i18n
from registry.directory import MAX_QUERY, body_entries, role_entries
from registry.vocab import ROLE_CODES, now, role_id
from web.registry_setup import current_registry

registry_pages = Blueprint("registry_pages", __name__, url_prefix="/registry")


def page_language() -> str:
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked
    return request.accept_languages.best_match(i18n.LANGUAGES, default="en")


def _common(lang: str) -> dict:
    return {
        "lang": lang, "t": i18n.catalog(lang),
        "tr": lambda key, **values: i18n.text(lang, key, **values),
        "languages": list(i18n.LANGUAGE_NAMES.items()),
        "roles": [{"code": code, "name": i18n.role_name(lang, code)} for code in ROLE_CODES],
    }


@registry_pages.get("/")
@registry_pages.get("/bodies")
def bodies() -> str:
    lang = page_language()
    query = request.args.get("q", "")[:MAX_QUERY]
    snapshot = current_registry().trust_source.snapshot()
    return render_template("registry/bodies.html", q=query,
                           bodies=body_entries(snapshot, query, lang, now()), **_common(lang))


@registry_pages.get("/roles/<code>")
def role(code: str) -> str:
    if code not in ROLE_CODES:
        abort(404)
    lang = page_language()
    snapshot = current_registry().trust_source.snapshot()
    achievement = role_id(code)
    return render_template("registry/role.html", code=code, achievement=achievement,
                           role_name=i18n.role_name(lang, code),
                           entries=role_entries(snapshot, achievement, lang, now()),
                           **_common(lang))
