"""The registry's public pages: accredited bodies (searchable) and each role's recognition
by country, in the six languages (`?lang=`, else the browser's Accept-Language)."""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from registry.directory import (
    MAX_QUERY,
    PageNames,
    body_entries,
    certifying_bodies,
    role_entries,
)
from registry.vocab import ROLE_CODES, now, role_id
from schemas.framework import load_reference_framework, localized
from web.plumbing.i18n import (
    LANGUAGES,
    choose_language_with,
    current_language,
    registry_page_language,
)
from web.wiring.services import current_registry

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


def unit_name(code: str) -> str:
    """A unit's name from the framework, in the page's language (the code when unknown)."""
    try:
        return localized(load_reference_framework().unit(code).name, current_language())
    except KeyError:
        return code


def _names() -> PageNames:
    return PageNames(role=role_name, country=country_name, unit=unit_name)


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
    achievement, lang = role_id(code), current_language()
    framework = load_reference_framework()
    units = [{"code": u.code, "name": localized(u.name, lang),
              "description": localized(u.description, lang), "eqf_level": u.eqf_level}
             for u in framework.units_of(code)]
    return render_template("registry/role.html", code=code, achievement=achievement,
                           role_name=role_name(code), units=units,
                           description=localized(framework.role(code).description, lang),
                           entries=role_entries(snapshot, achievement, lang, now(), _names()),
                           bodies=certifying_bodies(snapshot, (achievement,), lang, now(),
                                                    _names()),
                           statuses=status_words(), **_common())


@registry_pages.get("/units/<code>")
def unit(code: str) -> str:
    framework, lang = load_reference_framework(), current_language()
    try:
        found = framework.unit(code)
    except KeyError:
        abort(404)
    roles = framework.roles_with_unit(code)
    snapshot = current_registry().trust_source.snapshot()
    return render_template(
        "registry/unit.html", code=code, unit_id=found.id, name=localized(found.name, lang),
        description=localized(found.description, lang), eqf_level=found.eqf_level,
        unit_roles=[{"code": r.code, "name": role_name(r.code)} for r in roles],
        bodies=certifying_bodies(snapshot, (found.id, *(r.id for r in roles)), lang, now(),
                                 _names()), **_common())
