"""The language of a console whose pages carry it in their URLs (`?lang=`), as the
registry's console does: once chosen, it stays in every URL the blueprint makes (links, form
actions, redirects), so it lasts across pages, form posts and the login. Without a choice in
the URL the page follows the browser's Accept-Language (`web.plumbing.i18n.registry_page_language`)
and adds nothing to its URLs.
"""
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, has_request_context, request, url_for

from web.plumbing.i18n import (
    LANGUAGES,
    choose_language_with,
    current_language,
    registry_page_language,
)


def chosen_language() -> str | None:
    """The language this request's URL asks for, if it is one of the six."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def with_language(url: str) -> str:
    """A local URL (say, the page to return to after login) with the language chosen here."""
    chosen = chosen_language()
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if chosen is None or any(key == "lang" for key, _value in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", chosen)])))


def keep_language_in_urls(blueprint: Blueprint) -> None:
    """The blueprint's pages speak the language of `?lang=` (else the browser's), keep it in
    the URLs they make, and get `lang`, `chosen_language` (for GET forms, which drop the
    query) and `language_links` (this page in each language) in their templates."""
    choose_language_with(blueprint, registry_page_language)

    @blueprint.url_defaults
    def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
        chosen = chosen_language() if has_request_context() else None
        if chosen is not None:
            values.setdefault("lang", chosen)

    @blueprint.context_processor
    def _language_links() -> dict[str, Any]:
        if request.endpoint is None:
            return {}
        here: dict[str, Any] = {**(request.view_args or {}), **{
            k: v for k, v in request.args.items() if k != "lang"}}
        return {"lang": current_language(), "chosen_language": chosen_language(),
                "language_links": [(code, name, url_for(request.endpoint, **here, lang=code))
                                   for code, name in LANGUAGES.items()]}
