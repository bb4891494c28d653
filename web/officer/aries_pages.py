""""Add to my Aries wallet": the officer shows the holder an out-of-band invitation as a QR
code; once the wallet has connected, s4c offers the credential (and, for a role, the unit
credentials it was earned from) over DIDComm. On behalf of an employer, s4c asks a connected
wallet for a presentation and verifies it with our verifier. The agent does the DIDComm;
`issuer.aries` drives it; no rule lives here."""
import base64
import uuid
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from issuer.aries.agent import AgentError
from issuer.aries.exchanges import AriesIssuer
from issuer.aries.local import agent_client
from issuer.holder_sign_in import holder_for_session
from issuer.service import NotFound
from vc.qr import qr_png
from verifier.presentation import verify_presentation
from web.holder.portal import SESSION_KEY as HOLDER_SESSION_KEY
from web.officer import reads
from web.plumbing.auth import current_officer, login_required, protect_forms
from web.plumbing.finding_words import with_reasons
from web.plumbing.problems import problem
from web.wiring.services import current_services
from web.wiring.verifiers import verifier_for_app

aries_pages = Blueprint("aries_pages", __name__)
protect_forms(aries_pages)


def _issuer() -> AriesIssuer:
    services = current_services()
    try:
        return AriesIssuer.for_service(agent_client(services.settings.data_dir),
                                       services.issuer)
    except AgentError as e:
        abort(503, description=f"The Aries agent is not available: {e}")


def officer_or_holder(view: Any) -> Any:
    """The officer, or the holder signed in on their own page (`web.holder.portal`) for a
    credential of theirs: both may put it in the holder's Aries wallet."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_officer() is not None:
            return view(*args, **kwargs)
        services = current_services()
        holder = holder_for_session(services.issuer.sessions, session.get(HOLDER_SESSION_KEY),
                                    datetime.now(UTC))
        credential_id = kwargs.get("credential_id") or request.form.get("credential_id", "")
        if holder is None:
            return redirect(url_for("issuer_console.login", next=request.full_path))
        try:
            owner = reads.credential_row(services.issuer, credential_id).candidate_ref
        except NotFound:
            abort(404)
        if owner != holder.ref:
            abort(404)
        return view(*args, **kwargs)
    return wrapper


def _document(credential_id: str) -> dict:
    try:
        return current_services().issuer.credential(credential_id).document
    except NotFound:
        abort(404, description=f"no credential {credential_id!r}")


@aries_pages.route("/credentials/<path:credential_id>/aries", methods=["GET", "POST"])
@officer_or_holder
def add_to_wallet(credential_id: str) -> Response:
    """GET: the page; POST: a new invitation, shown as a QR code for the holder's wallet."""
    document = _document(credential_id)
    invitation = qr = None
    status, no_agent = 200, None
    try:
        if request.method == "POST":
            services = current_services()
            invitation = AriesIssuer.for_service(agent_client(services.settings.data_dir),
                                                 services.issuer).invite(alias=credential_id)
            png, _version = qr_png(invitation.url, error_correction="L")
            qr = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        else:
            agent_client(current_services().settings.data_dir)
    except AgentError as e:  # a page that says how to start one, not a JSON error
        status, no_agent = 503, str(e)
    response = Response(render_template("aries/add_to_wallet.html", credential_id=credential_id,
                                        name=document.get("name"), invitation=invitation,
                                        qr_data_url=qr, no_agent=no_agent), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@aries_pages.post("/aries/offers")
@officer_or_holder
def offer() -> Response:
    """Offers the credential (and a role's unit credentials) once the wallet is connected."""
    credential_id = request.form.get("credential_id", "")
    invitation_msg_id = request.form.get("invitation_msg_id", "")
    document = _document(credential_id)
    issuer = _issuer()
    connection = issuer.connection(invitation_msg_id)
    if connection is None:
        return problem(409, "The wallet has not connected yet: scan the code, accept the "
                            "connection in the wallet, then offer again.")
    service = current_services().issuer
    units = [r.get("id") for r in document.get("relatedResource") or [] if isinstance(r, dict)]
    offered = []
    for doc in [*(_document(u) for u in units if u), document]:
        if doc["id"] != credential_id and service.credential(doc["id"]).revoked:
            continue
        offered.append({"credential": doc["id"],
                        "exchange": issuer.offer(connection["connection_id"], doc)})
    return jsonify({"connection_id": connection["connection_id"], "offers": offered})


@aries_pages.post("/aries/connections/<connection_id>/presentation-requests")
@login_required
def request_presentation(connection_id: str) -> ResponseReturnValue:
    """Asks the wallet, for an employer, to present its role credential."""
    challenge = str(uuid.uuid4())  # ACA-Py's DIF options want a UUID4 challenge
    domain = current_services().settings.public_url
    exchange = _issuer().request_presentation(connection_id, challenge=challenge, domain=domain)
    return jsonify({"presentation_exchange": exchange, "challenge": challenge,
                    "domain": domain}), 201


@aries_pages.get("/aries/presentations/<pres_ex_id>")
@login_required
def presentation_result(pres_ex_id: str) -> ResponseReturnValue:
    """The wallet's presentation verified with our verifier, against the challenge and
    domain of the request our own agent sent (read back from its exchange record)."""
    issuer = _issuer()
    try:
        record = issuer.agent.presentation_exchange(pres_ex_id)
        presentation = issuer.presentation(pres_ex_id)
    except AgentError as e:
        return problem(404 if e.status == 404 else 502, str(e))
    if presentation is None:
        return jsonify({"state": record.get("state"), "verification": None}), 202
    asked = ((record.get("by_format") or {}).get("pres_request") or {}).get("dif") or {}
    options = asked.get("options") or {}
    report = verify_presentation(verifier_for_app(current_app, aries=True), presentation,
                                 challenge=options.get("challenge"),
                                 domain=options.get("domain"))
    return jsonify({"state": record.get("state"),
                    "verification": with_reasons(report.to_json())})
