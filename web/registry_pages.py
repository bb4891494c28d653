"""The registry's public pages: accredited bodies (searchable) and each role's recognition
by country, in the six languages (`?lang=`, else the browser's Accept-Language)."""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from registry.directory import MAX_QUERY, PageNames, body_entries, role_entries
from registry.vocab import ROLE_CODES, now, role_id
from web.i18n import LANGUAGES, choose_language_with, current_language, registry_page_language
from web.registry_setup import current_registry

registry_pages = Blueprint("registry_pages", __name__, url_prefix="/registry")
choose_language_with(registry_pages, registry_page_language)


def role_name(code: str) -> str:
    """The registry's name for a role in the page's language (the code when it has none)."""
    return {
        "SCPD": _("Smart City Project Developer"),
        "SCPM": _("Smart City Project Manager"),
        "SCPMC": _("Smart City Project Management Consultant"),
    }.get(code, code)


def country_name(code: str) -> str:
    """A country's name in the page's language (the code when it has none)."""
    return {
        "AT": _("Austria"), "BG": _("Bulgaria"), "DE": _("Germany"), "ES": _("Spain"),
        "GR": _("Greece"), "RO": _("Romania"),
    }.get(code, code)


def status_words() -> dict[str, str]:
    """An accreditation's status (registry.directory.period_status) in words."""
    return {"active": _("Active"), "revoked": _("Revoked"), "expired": _("Expired"),
            "pending": _("Not yet valid")}


def _names() -> PageNames:
    return PageNames(role=role_name, country=country_name)


def _common() -> dict:
    return {
        "lang": current_language(), "languages": list(LANGUAGES.items()),
        "roles": [{"code": code, "name": role_name(code)} for code in ROLE_CODES],
    }


@registry_pages.get("/")
@registry_pages.get("/bodies")
def bodies() -> str:
    query = request.args.get("q", "")[:MAX_QUERY]
    snapshot = current_registry().trust_source.snapshot()
    entries = body_entries(snapshot, query, current_language(), now(), _names())
    return render_template("registry/bodies.html", q=query, bodies=entries,
                           statuses=status_words(), **_common())


@registry_pages.get("/roles/<code>")
def role(code: str) -> str:
    if code not in ROLE_CODES:
        abort(404)
    snapshot = current_registry().trust_source.snapshot()
    achievement = role_id(code)
    return render_template("registry/role.html", code=code, achievement=achievement,
                           role_name=role_name(code),
                           entries=role_entries(snapshot, achievement, current_language(),
                                                now(), _names()),
                           **_common())
