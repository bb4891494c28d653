"""The certification officer's commands: framework, candidates, assessments, issuing, status."""
import json
import os
import secrets
import sys
from datetime import date
from pathlib import Path

import click

from issuer.codes import IssuerCode
from issuer.demo import seed_demo
from issuer.officers import add_officer
from issuer.service import IssuerError, IssuerService
from issuer.wallet_grants import Offer
from schemas.framework import FrameworkError, load_framework
from schemas.framework_csv import load_units_csv
from vc.qr import qr_png
from web.cli.context import issuer_service
from web.officer import reads
from web.officer.words import operator_english
from web.wallet.oid4vci.offers import offer_uri
from web.wiring.settings import Settings

ACTOR_OPTION = click.option("--actor", default="cli", show_default=True,
                            help="Who is acting (recorded in the audit trail).")


def _fail(e: Exception) -> None:
    raise click.ClickException(operator_english(e))


@click.group()
def framework() -> None:
    """Load or show the competency framework in use."""


@framework.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the framework as JSON.")
@click.pass_obj
def framework_show(settings: Settings, as_json: bool) -> None:
    """Show the roles and units of the framework in use."""
    fw = issuer_service(settings).framework()
    if as_json:
        click.echo(json.dumps(fw.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{fw.name['en']} {fw.version} ({fw.id})")
    for role in fw.roles:
        click.echo(f"  role {role.code}: {role.name['en']} (EQF {role.eqf_level}) "
                   f"units {', '.join(role.units)}")
    for unit in fw.units:
        click.echo(f"  unit {unit.code}: {unit.name['en']} (pass ≥ {unit.pass_threshold:g}%)")


@framework.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--elements", type=click.Path(exists=True, dir_okay=False),
              help="With a units CSV as PATH: the learning elements CSV.")
@click.option("--meta", type=click.Path(exists=True, dir_okay=False),
              help="With CSV input: a JSON file with the framework's id, version, name.")
@ACTOR_OPTION
@click.pass_obj
def framework_load(settings: Settings, path: str, elements: str | None, meta: str | None,
                   actor: str) -> None:
    """Load a framework from JSON (or units + elements CSV files) and use it."""
    try:
        if path.endswith(".csv"):
            if not (elements and meta):
                raise click.UsageError("a units CSV needs --elements and --meta")
            fw = load_units_csv(json.loads(Path(meta).read_text(encoding="utf-8")), path,
                                elements)
        else:
            fw = load_framework(Path(path))
    except (FrameworkError, ValueError, OSError) as e:
        _fail(e)
    issuer_service(settings).load_framework(fw, actor)
    click.echo(f"loaded {fw.id} {fw.version}: {len(fw.roles)} roles, {len(fw.units)} units")


@click.group()
def candidate() -> None:
    """Register and list candidates."""


@candidate.command("list")
@click.option("--search", help="Only those whose name, e-mail or reference contains this.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_obj
def candidate_list(settings: Settings, search: str | None, as_json: bool) -> None:
    """Candidates with their references (what `assess`, `certify` and `issue` take)."""
    found = issuer_service(settings).candidates(search)
    rows = [{"ref": c.ref, "name": c.name, "email": c.email, "did": c.did} for c in found]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['ref']}  {r['name']}  <{r['email']}>" + (f"  {r['did']}"
                                                               if r["did"] else ""))
    if not rows:
        click.echo("no candidate" + (f" matches {search!r}" if search else " yet"), err=True)


@candidate.command("add")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--did", help="The holder's DID, when known (else a hashed email is used).")
@ACTOR_OPTION
@click.pass_obj
def candidate_add(settings: Settings, name: str, email: str, did: str | None,
                  actor: str) -> None:
    """Register a candidate (idempotent by email); prints the candidate reference."""
    try:
        click.echo(issuer_service(settings).add_candidate(name, email, did, actor))
    except IssuerError as e:
        _fail(e)


@click.command()
@click.argument("candidate_ref")
@click.option("--unit", required=True, help="Unit code, e.g. U01.")
@click.option("--score", required=True, type=float)
@click.option("--max-score", default=100.0, show_default=True, type=float)
@click.option("--date", "assessed_on", default=None, help="Assessment date (YYYY-MM-DD).")
@click.option("--exam-body", required=True)
@click.option("--assessor", required=True)
@ACTOR_OPTION
@click.pass_obj
def assess(settings: Settings, candidate_ref: str, unit: str, score: float, max_score: float,
           assessed_on: str | None, exam_body: str, assessor: str, actor: str) -> None:
    """Record a unit assessment for a candidate (by reference or email)."""
    try:
        day = date.fromisoformat(assessed_on) if assessed_on else date.today()
        recorded = issuer_service(settings).record_attempt(
            candidate_ref, unit, score, max_score, day, exam_body, assessor, actor)
    except (IssuerError, ValueError) as e:
        _fail(e)
    click.echo(f"unit {unit}: {'passed' if recorded.passed else 'not passed'} "
               f"(attempt {recorded.attempt}, assessment {recorded.ref})")
    if not recorded.new:
        click.echo("this result was recorded before: nothing changed", err=True)
    elif recorded.passed and recorded.unit_passed_on is not None:
        click.echo(f"unit {unit} was already passed on {recorded.unit_passed_on}: this pass "
                   "is kept on record but earns no second unit credential", err=True)


@click.group()
def assessment() -> None:
    """List a candidate's assessments (attempts), or void one recorded in error."""


@assessment.command("list")
@click.argument("candidate_ref")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_obj
def assessment_list(settings: Settings, candidate_ref: str, as_json: bool) -> None:
    """A candidate's assessments with their references (what `assessment void` takes),
    voided ones included."""
    service = issuer_service(settings)
    person = service.candidate_by_email(candidate_ref) if "@" in candidate_ref else None
    try:
        rows = reads.assessments(service, (person or reads.candidate(service,
                                                                    candidate_ref)).ref)
    except IssuerError as e:
        _fail(e)
    listed = [{"ref": a.ref, "unit": a.unit_code, "attempt": a.attempt, "score": a.score,
               "max_score": a.max_score, "passed": a.passed,
               "assessed_on": a.assessed_on.isoformat(),
               "voided": None if a.voided_at is None else {
                   "at": a.voided_at.isoformat(), "by": a.voided_by, "reason": a.void_reason},
               "credentials": [c.id for c in a.use.credentials] if a.use else []}
              for a in rows]
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    for a in rows:
        outcome = "passed" if a.passed else "not passed" if a.passed is False else "?"
        line = (f"{a.ref}  {a.assessed_on}  {a.unit_code:<8} attempt {a.attempt}  "
                f"{a.score:g}/{a.max_score:g} {outcome}")
        if a.voided_at is not None:
            line += f"  VOIDED {a.voided_at:%Y-%m-%d} by {a.voided_by}: {a.void_reason}"
        click.echo(line)
    if not rows:
        click.echo("no assessment recorded", err=True)


@assessment.command("void")
@click.argument("assessment_ref")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
@ACTOR_OPTION
@click.pass_obj
def assessment_void(settings: Settings, assessment_ref: str, reason: str, actor: str) -> None:
    """Void an assessment recorded in error: it stays listed but no longer counts for
    certification. Credentials already issued from it are NOT changed: they are listed, to
    revoke with `s4c revoke` if they should no longer count."""
    try:
        voided = issuer_service(settings).void_assessment(assessment_ref, reason, actor)
    except IssuerError as e:
        _fail(e)
    click.echo(f"{voided.ref}: attempt {voided.attempt} of {voided.unit} voided")
    for kind, code in voided.withdrawn:
        click.echo(f"withdrawn: {kind} {code} (decided, not issued yet)")
    for c in voided.credentials:
        state = "revoked" if c.revoked else "suspended" if c.suspended else "active"
        click.echo(f"NOT changed: {c.kind} {c.code} {c.id} ({state})")
    if any(not c.revoked for c in voided.credentials):
        click.echo("credentials issued from this result still count: revoke each with "
                   "`s4c revoke ID --reason ...` if they should not", err=True)


@click.command()
@click.argument("candidate_ref")
@ACTOR_OPTION
@click.pass_obj
def certify(settings: Settings, candidate_ref: str, actor: str) -> None:
    """Apply the decision rules to a candidate's assessments."""
    try:
        decisions = issuer_service(settings).certify(candidate_ref, actor)
    except IssuerError as e:
        _fail(e)
    for kind, code in decisions:
        click.echo(f"{kind} {code}: certified")


@click.command("issue")
@click.argument("candidate_ref")
@ACTOR_OPTION
@click.pass_obj
def issue_command(settings: Settings, candidate_ref: str, actor: str) -> None:
    """Issue the credentials of a candidate's decisions (never twice)."""
    try:
        result = issuer_service(settings).issue(candidate_ref, actor)
    except IssuerError as e:
        _fail(e)
    for doc in result.issued:
        click.echo(f"issued {doc['id']} {doc['type'][-1]}")
    for doc in result.existing:
        click.echo(f"already issued {doc['id']} {doc['type'][-1]}")


def _status_command(name: str, doc: str):
    @click.command(name, help=doc)
    @click.argument("credential_id")
    @click.option("--reason", required=True, help="Why (recorded in the audit trail).")
    @ACTOR_OPTION
    @click.pass_obj
    def command(settings: Settings, credential_id: str, reason: str, actor: str) -> None:
        service: IssuerService = issuer_service(settings)
        try:
            getattr(service, name)(credential_id, reason, actor)
        except IssuerError as e:
            _fail(e)
        click.echo(f"{credential_id}: {name}d" if name != "suspend" else
                   f"{credential_id}: suspended")
    return command


revoke = _status_command("revoke", "Revoke a credential for good.")
suspend = _status_command("suspend", "Suspend a credential (it can be reinstated).")
reinstate = _status_command("reinstate", "Lift a suspension (never a revocation).")

COMMANDS = [framework, candidate, assess, assessment, certify, issue_command, revoke, suspend,
            reinstate]


@click.command()
@click.option("--export", "export_dir", type=click.Path(file_okay=False),
              help="Also write every demo credential as DIR/<name>.json.")
@click.pass_obj
def demo(settings: Settings, export_dir: str | None) -> None:
    """Seed a demo cohort with issued credentials (one revoked, one suspended)."""
    service = issuer_service(settings)
    result = seed_demo(service)
    click.echo(f"demo issuer {settings.issuer_did}: {len(result.credentials)} credentials")
    login = _demo_login(settings, service)
    if login:
        click.echo(f"console login for the demo officer: see {login}")
    if export_dir:
        out = Path(export_dir)
        out.mkdir(parents=True, exist_ok=True)
        for stem, doc in sorted(result.credentials.items()):
            (out / f"{stem}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
        click.echo(f"wrote {len(result.credentials)} files to {out}")


def _demo_login(settings: Settings, service: IssuerService) -> Path | None:
    """A demo officer whose password sits in a 0600 file of the data directory."""
    path = settings.data_dir / "demo-login.txt"
    if path.exists():
        return path
    password = secrets.token_urlsafe(12)
    try:
        token = add_officer(service.sessions, "demo-officer", password, "demo")
    except ValueError:
        return None  # created earlier with a password we no longer have
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"DEMO console login at {settings.public_url}/issuer/login\n"
                f"username: demo-officer\npassword: {password}\nAPI token: {token}\n")
    return path


COMMANDS.append(demo)


@click.group()
def officer() -> None:
    """Certification officers who may use the console and the issuing API."""


@officer.command("add")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="S4C_OFFICER_PASSWORD", help="At least 10 characters [env "
              "S4C_OFFICER_PASSWORD].")
@ACTOR_OPTION
@click.pass_obj
def officer_add(settings: Settings, username: str, password: str, actor: str) -> None:
    """Add an officer; prints their API token once (it is stored hashed)."""
    try:
        token = add_officer(issuer_service(settings).sessions, username, password, actor)
    except ValueError as e:
        _fail(e)
    click.echo(f"officer {username} added; API token (shown once): {token}")


COMMANDS.append(officer)


@click.group()
def keys() -> None:
    """The issuer's signing keys (encrypted at rest; only public parts are ever shown)."""


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """List the issuer's keys: id, public key, created, retired."""
    for key in issuer_service(settings).keys.all():
        state = "active" if key.is_active else f"retired {key.retired}"
        click.echo(f"{settings.issuer_did}#{key.key_id} {key.public_key_multibase} "
                   f"created {key.created} {state}")


@keys.command("rotate")
@ACTOR_OPTION
@click.pass_obj
def keys_rotate(settings: Settings, actor: str) -> None:
    """Make a new active key; old keys stay in the DID document so that credentials they
    signed keep verifying."""
    new = issuer_service(settings).rotate_key(actor)
    click.echo(f"active key is now {settings.issuer_did}#{new.key_id}")


COMMANDS.append(keys)


@click.group("status")
def status_group() -> None:
    """The published status lists against the issuer's records."""


@status_group.command("check")
@click.option("--repair", is_flag=True,
              help="Make each differing bit say what is recorded (one audit row each).")
@ACTOR_OPTION
@click.pass_obj
def status_check(settings: Settings, repair: bool, actor: str) -> None:
    """Compare every credential's recorded state (revoked, suspended) with the bits its
    status lists publish. Exit 0 when they agree (or were repaired), 1 when they differ."""
    found = issuer_service(settings).status_check(repair=repair, actor=actor)
    for mismatch in found:
        click.echo(("repaired: " if repair else "") + mismatch.describe())
    if not found:
        click.echo("every published status bit matches the issuer's records")
    elif not repair:
        click.echo(f"{len(found)} difference(s); run `s4c status check --repair` to publish "
                   "what is recorded", err=True)
        sys.exit(1)


COMMANDS.append(status_group)


@click.command("offer")
@click.argument("email_or_credential_id")
@click.option("--format", "fmt", type=click.Choice(["dc+sd-jwt", "ldp_vc"]), default="dc+sd-jwt",
              show_default=True, help="The credential format the wallet receives.")
@click.option("--flow", type=click.Choice(["pre-authorized", "authorization-code"]),
              default="pre-authorized", show_default=True,
              help="The OpenID4VCI flow the offer starts: a pre-authorized code with a "
                   "transaction code, or the holder signing in on their page to agree.")
@click.option("--no-tx-code", is_flag=True,
              help="Offer without a transaction code (anyone who sees the QR code could "
                   "take the credential: only for a holder's own screen).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Also write the offer as a QR code PNG.")
@ACTOR_OPTION
@click.pass_obj
def offer(settings: Settings, email_or_credential_id: str, fmt: str, flow: str,
          no_tx_code: bool, output: str | None, actor: str) -> None:
    """An OpenID4VCI offer of one credential (by id) or of every active credential of a
    holder (by e-mail) to their wallet: prints the openid-credential-offer:// URI and the
    transaction code to give the holder apart from it (it is valid for 30 minutes)."""
    try:
        wallets = issuer_service(settings).wallets
        made = wallets.authorization_offer(email_or_credential_id, [fmt], actor) \
            if flow == "authorization-code" else wallets.offer(
                email_or_credential_id, [fmt], actor, with_tx_code=not no_tx_code)
    except (IssuerError, ValueError) as e:
        _fail(e)
    uri = offer_uri(settings.public_url, made)
    click.echo(uri)
    if isinstance(made, Offer) and made.tx_code:
        click.echo(f"tx_code: {made.tx_code}", err=True)
    if output:
        Path(output).write_bytes(qr_png(uri, error_correction="L")[0])


COMMANDS.append(offer)


@click.group("credential")
def credential_group() -> None:
    """List issued credentials."""


@credential_group.command("list")
@click.option("--candidate", "candidate_ref", help="Only this candidate's (reference or e-mail).")
@click.option("--state", type=click.Choice(["active", "revoked", "suspended", "expired"]),
              help="Only credentials in this state.")
@click.option("--kind", type=click.Choice(["role", "unit"]), help="Only roles, or only units.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_obj
def credential_list(settings: Settings, candidate_ref: str | None, state: str | None,
                    kind: str | None, as_json: bool) -> None:
    """Issued credentials with their ids (what `revoke`, `suspend`, `offer` take), newest
    first."""
    service = issuer_service(settings)
    if candidate_ref and "@" in candidate_ref:
        person = service.candidate_by_email(candidate_ref)
        if person is None:
            _fail(IssuerError(IssuerCode.NO_CANDIDATE_WITH_EMAIL, email=candidate_ref))
        candidate_ref = person.ref if person else None
    try:
        rows = reads.credential_rows(service, kind=kind, state=state,
                                     candidate_ref=candidate_ref, limit=10_000)
    except IssuerError as e:
        _fail(e)
    listed = [{"id": r.id, "kind": r.kind, "code": r.code, "title": r.title,
               "holder": r.holder, "candidate": r.candidate_ref,
               "issued": r.issued_at.isoformat(),
               "valid_until": r.valid_until.isoformat() if r.valid_until else None,
               "state": r.state} for r in rows]
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row.id}  {row.state:<9}  {row.kind:<4} {row.code:<6} {row.holder}  "
                   f"(issued {row.issued_at.date().isoformat()})")
    if not listed:
        click.echo("no credential matches", err=True)


COMMANDS.append(credential_group)
