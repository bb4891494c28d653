"""The registry's admin console at `/registry/admin/`: each authority signs in with its own
password and acts with its own key. The operator registers and retires trust anchors,
publishes the trust list and reads the whole audit trail; an anchor accredits certification
bodies (and changes or revokes what it accredited) and publishes its country's recognition
of each role, and reads its own audit trail.

The signed cookie carries only a random session id (`registry.console_access` keeps the
rest on the server) and every form a CSRF token (`web.plumbing.auth`). The registry service decides
who may change what, exactly as for the API: the console never acts for another authority.
"""
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.authority import Authority, AuthorityInfo
from registry.codes import RegistryCode
from registry.credentials import read_accreditation, read_anchor, read_recognition
from registry.directory import period_status
from registry.errors import InvalidRecord, RegistryError
from registry.validation import Problems
from registry.vocab import FRAMEWORK, ROLE_CODES, now, role_id
from schemas.framework import load_reference_framework, localized
from web.plumbing.auth import check_csrf
from web.plumbing.confirmation import confirmed
from web.plumbing.finding_words import say
from web.plumbing.i18n import (
    LANGUAGES,
    choose_language_with,
    current_language,
    registry_page_language,
)
from web.registry.forms import date, field_errors, integer, language_map, text
from web.registry.pages import role_name, status_words
from web.wiring.registry_setup import RegistryServices
from web.wiring.services import current_registry

registry_console = Blueprint("registry_console", __name__, url_prefix="/registry/admin")
choose_language_with(registry_console, registry_page_language)
registry_console.before_request(check_csrf)
SESSION_KEY = "registry_sid"
SESSION_LIFETIME = timedelta(hours=8)
MAX_AUDIT_ROWS = 200


def _here(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, lang=current_language(), **values)


def signed_in() -> AuthorityInfo | None:
    """The authority of this browser's console session, if it is still registered."""
    if SESSION_KEY not in session:
        return None
    services = current_registry()
    slug = services.access.slug_for_session(session.get(SESSION_KEY))
    return services.registry.authority(slug) if slug else None


def console_view(kind: str | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Views of one kind of authority (None: any); anonymous visitors are sent to sign in,
    another kind of authority gets 403."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            info = signed_in()
            if info is None:
                return redirect(_here("registry_console.login"))
            if kind is not None and info.kind != kind:
                abort(403)
            g.registry_authority = info
            services = current_registry()
            return view(services, info, **kwargs)
        return wrapper
    return decorate


def _signer(services: RegistryServices, info: AuthorityInfo) -> Authority:
    return services.operator() if info.kind == "operator" else services.keys.existing(
        info.slug)


def _common(info: AuthorityInfo | None, **values: Any) -> dict:
    return {"lang": current_language(), "languages": list(LANGUAGES.items()), "me": info,
            "errors": {}, "form": {}, **values}


def _refused(error: RegistryError) -> None:
    flash(_("The registry refused the change: %(reason)s", reason=say(error.finding)), "error")


# -- sign-in ------------------------------------------------------------------------------

@registry_console.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("registry/admin/login.html", **_common(signed_in()))
    services = current_registry()
    slug = text(request.form, "username")
    result = services.access.sign_in(slug, request.form.get("password", ""),
                                     request.remote_addr)
    if result.slug is None:
        if result.retry_after:
            message = _("Too many failed sign-ins for this account or from this address. "
                        "Try again in %(minutes)d minutes.",
                        minutes=(result.retry_after + 59) // 60)
        else:
            message = _("Wrong name or password.")
        return render_template("registry/admin/login.html", login_error=message,
                               **_common(None, form={"username": slug})), \
            429 if result.retry_after else 401
    services.access.end_session(session.get(SESSION_KEY))
    session.pop("csrf", None)  # a fresh CSRF token, like a fresh session id (no fixation)
    session.permanent = True
    session[SESSION_KEY] = services.access.start_session(result.slug, SESSION_LIFETIME)
    return redirect(_here("registry_console.index"))


@registry_console.post("/logout")
def logout() -> Response:
    current_registry().access.end_session(session.pop(SESSION_KEY, None))
    session.pop("csrf", None)
    flash(_("You are signed out."), "info")
    return redirect(_here("registry_console.login"))


@registry_console.get("/")
@console_view(None)
def index(services: RegistryServices, info: AuthorityInfo) -> Response:
    endpoint = "trust_anchors" if info.kind == "operator" else "bodies"
    return redirect(_here(f"registry_console.{endpoint}"))


# -- the operator -------------------------------------------------------------------------

def _anchor_rows(services: RegistryServices, operator_did: str) -> list[dict]:
    slugs = services.registry.anchor_slugs()
    rows, at = [], now()
    for record in services.registry.issued_records(operator_did, "anchor"):
        facts = read_anchor(record.credential)
        status = period_status(facts.valid_from, facts.valid_until, at, record.revoked)
        rows.append({"slug": slugs.get(facts.did, ""), "did": facts.did,
                     "country": facts.country, "name": _pick(facts.name),
                     "valid_from": facts.valid_from.date().isoformat(),
                     "valid_until": facts.valid_until.date().isoformat()
                     if facts.valid_until else None, "status": status,
                     "retired": record.revoked})
    return rows


def _pick(names: dict[str, str]) -> str:
    return names.get(current_language()) or names.get("en") or next(iter(names.values()), "")


def _anchors_page(services: RegistryServices, info: AuthorityInfo, status: int = 200,
                  **values: Any) -> Any:
    return render_template("registry/admin/anchors.html", statuses=status_words(),
                           anchors=_anchor_rows(services, info.did),
                           **_common(info, **values)), status


@registry_console.get("/trust-anchors")
@console_view("operator")
def trust_anchors(services: RegistryServices, info: AuthorityInfo) -> Any:
    return _anchors_page(services, info)


@registry_console.post("/trust-anchors")
@console_view("operator")
def add_anchor(services: RegistryServices, info: AuthorityInfo) -> Any:
    form = request.form
    problems = Problems()
    password = form.get("password", "")
    if password and len(password) < 12:
        problems.add("/password", RegistryCode.PASSWORD_TOO_SHORT, n=12)
    start, end = date(form, "validFrom", problems), date(form, "validUntil", problems)
    values = {k: text(form, k) for k in ("slug", "country", "validFrom", "validUntil")} | {
        f"name-{lang}": text(form, f"name-{lang}") for lang in LANGUAGES}
    try:
        operator = services.operator()
        slug, country, names = services.registry.check_anchor(
            slug=text(form, "slug"), country=text(form, "country"),
            names=language_map(form, "name"), valid_from=start, valid_until=end,
            problems=problems)
        anchor = services.keys.authority(slug)
        added = services.registry.add_anchor(operator, anchor.did, slug=slug,
                                             country=country, names=names, valid_from=start,
                                             valid_until=end)
        if password:
            services.access.set_password(slug, password, actor=operator.did)
    except InvalidRecord as e:
        return _anchors_page(services, info, 422, form=values,
                             errors=field_errors(e.problems))
    except RegistryError as e:
        _refused(e)
        return _anchors_page(services, info, 409, form=values)
    flash(_("Trust anchor %(slug)s registered.", slug=slug), "info")
    return _anchors_page(services, info, 201, new_token=added.token, new_slug=slug)


@registry_console.post("/trust-anchors/retire")
@console_view("operator")
def retire_anchor(services: RegistryServices, info: AuthorityInfo) -> Any:
    slug = text(request.form, "slug")
    if not confirmed(request.form):
        return redirect(_here("registry_console.trust_anchors"))
    try:
        services.registry.remove_anchor(services.operator(), slug)
    except RegistryError as e:
        _refused(e)
    else:
        services.access.end_sessions_of(slug)
        flash(_("Trust anchor %(slug)s retired: what it signed no longer counts.",
                slug=slug), "info")
    return redirect(_here("registry_console.trust_anchors"))


@registry_console.post("/trust-list")
@console_view("operator")
def publish_trust_list(services: RegistryServices, info: AuthorityInfo) -> Response:
    services.registry.record_publication(services.operator())
    document = services.trust_list()
    flash(_("Trust list published (number %(n)s).",
            n=document.get("credentialSubject", {}).get("sequence", "?")), "info")
    return redirect(_here("registry_console.trust_anchors"))


@registry_console.get("/audit")
@console_view(None)
def audit(services: RegistryServices, info: AuthorityInfo) -> str:
    actor = None if info.kind == "operator" else info.did
    return render_template("registry/admin/audit.html",
                           events=services.registry.audit_events(MAX_AUDIT_ROWS, actor),
                           **_common(info))


# -- anchors: accreditations ---------------------------------------------------------------

def _scope_choices() -> list[dict]:
    framework, lang = load_reference_framework(), current_language()
    return [{"id": r.id, "code": r.code, "name": role_name(r.code)} for r in framework.roles] \
        + [{"id": u.id, "code": u.code, "name": localized(u.name, lang)}
           for u in framework.units]


def _accreditation_rows(services: RegistryServices, info: AuthorityInfo) -> list[dict]:
    rows, at = [], now()
    for record in services.registry.issued_records(info.did, "accreditation"):
        facts = read_accreditation(record.credential)
        rows.append({"id": record.id, "did": facts.issuer_did, "name": _pick(facts.name),
                     "scope": [c.rsplit("/", 1)[-1] for c in facts.achievements],
                     "max_eqf": facts.max_eqf_level,
                     "valid_from": facts.valid_from.date().isoformat(),
                     "valid_until": facts.valid_until.date().isoformat()
                     if facts.valid_until else None,
                     "status": period_status(facts.valid_from, facts.valid_until, at,
                                             record.revoked)})
    return rows


def _bodies_page(services: RegistryServices, info: AuthorityInfo, status: int = 200,
                 template: str = "registry/admin/bodies.html", **values: Any) -> Any:
    return render_template(template, statuses=status_words(), choices=_scope_choices(),
                           accreditations=_accreditation_rows(services, info),
                           **_common(info, **values)), status


@registry_console.get("/bodies")
@console_view("anchor")
def bodies(services: RegistryServices, info: AuthorityInfo) -> Any:
    return _bodies_page(services, info)


def _own_record(services: RegistryServices, info: AuthorityInfo, kind: str,
                credential_id: str) -> dict:
    """The signed credential, when it is this anchor's own of that kind; else 404."""
    for record in services.registry.issued_records(info.did, kind):
        if record.id == credential_id and not record.revoked:
            return record.credential
    abort(404)


@registry_console.get("/bodies/change")
@console_view("anchor")
def change_body(services: RegistryServices, info: AuthorityInfo) -> Any:
    credential_id = request.args.get("id", "")
    facts = read_accreditation(_own_record(services, info, "accreditation", credential_id))
    form = {"issuer": facts.issuer_did, "maxEqfLevel": str(facts.max_eqf_level),
            "country": facts.country or "", "achievements": list(facts.achievements),
            "validFrom": facts.valid_from.date().isoformat(),
            "validUntil": facts.valid_until.date().isoformat() if facts.valid_until else "",
            "replaces": credential_id} | {f"name-{k}": v for k, v in facts.name.items()}
    return _bodies_page(services, info, template="registry/admin/body_change.html", form=form)


@registry_console.post("/bodies")
@console_view("anchor")
def accredit(services: RegistryServices, info: AuthorityInfo) -> Any:
    form = request.form
    problems = Problems()
    level = integer(form, "maxEqfLevel", problems)
    start, end = date(form, "validFrom", problems), date(form, "validUntil", problems)
    replaces = text(form, "replaces") or None
    values = {k: text(form, k) for k in ("issuer", "maxEqfLevel", "country", "validFrom",
                                         "validUntil", "replaces")} | {
        f"name-{lang}": text(form, f"name-{lang}") for lang in LANGUAGES} | {
        "achievements": form.getlist("achievements")[:200]}
    template = "registry/admin/body_change.html" if replaces else "registry/admin/bodies.html"
    if replaces:
        _own_record(services, info, "accreditation", replaces)
    try:
        services.registry.accredit(
            _signer(services, info), text(form, "issuer"), names=language_map(form, "name"),
            achievements=values["achievements"], max_eqf_level=level,  # type: ignore[arg-type]
            valid_from=start, valid_until=end, framework=FRAMEWORK,
            country=text(form, "country") or None, replaces=replaces, problems=problems)
    except InvalidRecord as e:
        return _bodies_page(services, info, 422, template=template, form=values,
                            errors=field_errors(e.problems) or {"/": say(e.finding)})
    except RegistryError as e:
        _refused(e)
        return _bodies_page(services, info, 409, template=template, form=values)
    flash(_("Accreditation changed.") if replaces else _("Body accredited."), "info")
    return redirect(_here("registry_console.bodies"))


@registry_console.post("/bodies/revoke")
@console_view("anchor")
def revoke_body(services: RegistryServices, info: AuthorityInfo) -> Response:
    if not confirmed(request.form):
        return redirect(_here("registry_console.bodies"))
    try:
        services.registry.revoke_accreditation(_signer(services, info),
                                               text(request.form, "id"))
    except RegistryError as e:
        _refused(e)
    else:
        flash(_("Accreditation revoked."), "info")
    return redirect(_here("registry_console.bodies"))


# -- anchors: recognition decisions --------------------------------------------------------

def _decisions(services: RegistryServices, info: AuthorityInfo) -> dict[str, dict]:
    """Role code -> this anchor's current decision on it (the newest not withdrawn)."""
    current: dict[str, dict] = {}
    for record in services.registry.issued_records(info.did, "recognition"):
        if record.revoked:
            continue
        facts = read_recognition(record.credential)
        code = facts.achievement.rsplit("/", 1)[-1]
        current.setdefault(code, {
            "id": record.id, "nqfLevel": facts.nqf_level, "eqfLevel": str(facts.eqf_level),
            "legalBasis": facts.legal_basis,
            "validFrom": facts.valid_from.date().isoformat(),
            "validUntil": facts.valid_until.date().isoformat() if facts.valid_until else "",
        } | {f"equivalence-{k}": v for k, v in facts.equivalence.items()})
    return current


@registry_console.get("/recognition")
@console_view("anchor")
def recognition(services: RegistryServices, info: AuthorityInfo) -> str:
    decisions = _decisions(services, info)
    return render_template("registry/admin/recognition.html",
                           roles=[{"code": c, "name": role_name(c), "decision": decisions.get(c)}
                                  for c in ROLE_CODES], **_common(info))


def _decision_page(info: AuthorityInfo, code: str, status: int = 200, **values: Any) -> Any:
    return render_template("registry/admin/decision.html", code=code,
                           role_name=role_name(code), **_common(info, **values)), status


@registry_console.get("/recognition/<code>")
@console_view("anchor")
def decision(services: RegistryServices, info: AuthorityInfo, code: str) -> Any:
    if code not in ROLE_CODES:
        abort(404)
    current = _decisions(services, info).get(code)
    # the form names the decision it replaces as the officer saw it: a decision published
    # meanwhile is not silently replaced (the registry refuses with a conflict)
    form = (current or {}) | {"replaces": current["id"] if current else ""}
    return _decision_page(info, code, form=form, current=current)


@registry_console.post("/recognition/<code>")
@console_view("anchor")
def decide(services: RegistryServices, info: AuthorityInfo, code: str) -> Any:
    if code not in ROLE_CODES:
        abort(404)
    form = request.form
    problems = Problems()
    level = integer(form, "eqfLevel", problems)
    start, end = date(form, "validFrom", problems), date(form, "validUntil", problems)
    current = _decisions(services, info).get(code)
    values = {k: text(form, k) for k in ("nqfLevel", "eqfLevel", "legalBasis", "validFrom",
                                         "validUntil", "replaces")} | {
        f"equivalence-{lang}": text(form, f"equivalence-{lang}") for lang in LANGUAGES}
    try:
        services.registry.recognise(
            _signer(services, info), role_id(code), nqf_level=text(form, "nqfLevel"),
            eqf_level=level, equivalence=language_map(form, "equivalence"),  # type: ignore[arg-type]
            legal_basis=text(form, "legalBasis"), valid_from=start, valid_until=end,
            replaces=values["replaces"] or None, problems=problems)
    except InvalidRecord as e:
        return _decision_page(info, code, 422, form=values, current=current,
                              errors=field_errors(e.problems) or {"/": say(e.finding)})
    except RegistryError as e:
        _refused(e)
        return _decision_page(info, code, 409, form=values, current=current)
    flash(_("Recognition of %(role)s published.", role=role_name(code)), "info")
    return redirect(_here("registry_console.recognition"))


@registry_console.post("/recognition/withdraw")
@console_view("anchor")
def withdraw(services: RegistryServices, info: AuthorityInfo) -> Response:
    if not confirmed(request.form):
        return redirect(_here("registry_console.recognition"))
    try:
        services.registry.withdraw_recognition(_signer(services, info),
                                               text(request.form, "id"))
    except RegistryError as e:
        _refused(e)
    else:
        flash(_("Recognition withdrawn."), "info")
    return redirect(_here("registry_console.recognition"))
