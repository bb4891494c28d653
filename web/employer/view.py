"""What the employer's page shows for one kept result, in the reader's language: the state at
a glance, whose credential it is, what it certifies (with the framework's description and a
link to the registry), and each check with its reason.

Nothing here decides anything: the state comes from the verifier (`verifier.headline`), and
a forged or unreadable credential shows only why it failed, never a summary of what it
claims (none of it is backed by a valid signature).
"""
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from registry.vocab import ROLE_CODES
from schemas.framework import Framework, localized
from vc.findings import Finding
from vc.instants import parse_date_time
from vc.language_maps import pick_language
from web.employer.words import id_words
from web.plumbing.finding_words import from_stored, say, without_reprs

# Each state's colour class; its icon is drawn by the template (verify/_icons.html, SVG: a
# font may lack ⏸ or ⌛). Input that could not be read is neither good nor bad: it is neutral,
# never the red of a forgery.
TONES = {"valid": "good", "revoked": "bad", "forged": "bad", "suspended": "warn",
         "expired": "warn", "not-yet-valid": "warn", "not-accredited": "warn",
         "issuer-not-confirmed": "warn", "sealer-not-confirmed": "unknown",
         "sealing-time-not-confirmed": "unknown",
         "not-valid-now": "warn", "could-not-check": "unknown", "unreadable": "neutral"}


def day(instant: str | None) -> str | None:
    """An ISO 8601 instant's calendar day (UTC): unambiguous in every language."""
    return instant[:10] if instant else None


def moment(instant: str | None) -> str | None:
    return f"{instant[:10]} {instant[11:16]} UTC" if instant and len(instant) >= 16 else instant


def headline_words(headline: dict[str, Any]) -> tuple[str, str]:
    """The state's headline and the sentence under it."""
    state, date = headline.get("state"), day(headline.get("date"))
    what = headline.get("unreachable") or []
    if state == "valid":
        return _("Valid"), _("Authentic, current, and issued by an accredited body.")
    if state == "revoked":
        if date:
            return (_("Revoked — the issuer's list of %(date)s marks it revoked", date=date),
                    _("The issuer has withdrawn it: do not accept it. Status lists record no "
                      "date, so this says it was revoked on or before %(date)s, when the "
                      "issuer signed the list that marks it.", date=date))
        return _("Revoked"), _("The issuer has withdrawn it: do not accept it.")
    if state == "suspended":
        return _("Suspended"), _("The issuer has suspended it for now: do not accept it "
                                 "unless it is reinstated.")
    if state == "expired":
        return (_("Expired on %(date)s", date=date),
                _("It was really issued, but its validity has ended. Ask the holder for a "
                  "renewed credential."))
    if state == "not-yet-valid":
        return (_("Not yet valid"),
                _("It was really issued, but it becomes valid only on %(date)s.", date=date))
    if state == "not-accredited":
        return (_("Issuer not accredited for this"),
                _("It was really issued by its signer, but the registry does not list that "
                  "body as accredited to certify this, at this level, on that date."))
    if state == "issuer-not-confirmed":
        return (_("Signed, but not by the issuer"),
                _("Every signature on it is valid, so it was not altered, but none was made "
                  "with a key the issuer it names controls: nothing confirms that this issuer "
                  "issued it. Do not accept it as theirs."))
    if state == "sealer-not-confirmed":
        return (_("Sealer not confirmed"),
                _("The seal is intact and the content unchanged, but the certificate it was "
                  "made with comes from a certification authority that is not among the trust "
                  "anchors held here, so who sealed it is not confirmed. This does not mean it "
                  "is forged; do not read it as valid either."))
    if state == "sealing-time-not-confirmed":
        return (_("Time of sealing not confirmed"),
                _("The seal is intact, but its certificate has ended, and the time-stamp that "
                  "says it was made while the certificate was valid comes from a "
                  "time-stamping authority that is not among the trust anchors held here. Do "
                  "not read it as valid."))
    if state == "forged":
        return (_("Forged or altered"),
                _("Do not accept it: it was altered, or was not issued by who it claims."))
    if state == "could-not-check":
        reached = ", ".join(unreachable_words().get(w, unreachable_words()["other"])
                            for w in what) or unreachable_words()["other"]
        return (_("Could not be checked"),
                _("Could not reach %(what)s. Do not read this as valid; try again later.",
                  what=reached))
    return (_("Authentic, but not valid now"),
            _("It was really issued, but it does not count today. See why below."))


def unreachable_words() -> dict[str, str]:
    return {"issuer-keys": _("the issuer's public keys (its DID document)"),
            "status-list": _("the issuer's status list"),
            "status-method": _("its status: the issuer uses a status method this verifier "
                               "does not implement"),
            "registry": _("the registry of accredited bodies"),
            "unit-credentials": _("the keys of the unit credentials"),
            "other": _("a source a check needs")}


def check_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each check with its label, outcome and reason in the page's language. Of a forged or
    malformed credential only the failed checks are shown: they are the answer."""
    words = id_words()
    forged = report.get("verdict") == "forged-or-malformed"
    rows = []
    for check in report.get("checks", []):
        outcome = check.get("outcome")
        if forged and outcome != "failed":
            continue
        # an unknown that does not change the verdict (units not supplied, no country
        # chosen) is information, not a warning
        tone = "info" if outcome == "unknown" and check.get("category") == "info" else outcome
        found = from_stored(check)
        base = str(check.get("id"))
        label = words.get(f"check.{base}") or words.get(
            f"check.{base.split('[', 1)[0]}") or base
        rows.append({"id": check.get("id"), "outcome": outcome, "tone": tone,
                     "label": label,
                     "outcome_word": words["outcome.info"] if tone == "info"
                     else words.get(f"outcome.{outcome}", str(outcome)),
                     "text": say(found), "detail": without_reprs(found.detail)})
    return rows


def _with_dates(found: Finding) -> Finding:
    """A kept finding's instants are ISO strings: made dates again, so that the catalogue's
    sentence shows them as the reader's language writes dates."""
    params = {k: (parse_date_time(v) or v) if isinstance(v, str) and len(v) >= 20 and
              v[4:5] == "-" and v[10:11] == "T" else v for k, v in found.params.items()}
    return Finding(found.code, params, found.detail)


def achievement_view(summary: dict[str, Any], framework: Framework | None,
                     lang: str) -> dict[str, Any]:
    """What was certified: its name in the reader's language, the framework's one-line
    description and links to its page(s) in the registry."""
    achievement = summary.get("achievement") or {}
    names = achievement.get("names") or {}
    out: dict[str, Any] = {
        "id": achievement.get("id"),
        "name": pick_language(names, lang) if names else achievement.get("name"),
        "kind": achievement.get("kind"), "eqfLevel": achievement.get("eqfLevel"),
        "description": None, "links": []}
    if framework is None or not out["id"]:
        return out
    role = next((r for r in framework.roles if r.id == out["id"]), None)
    unit = next((u for u in framework.units if u.id == out["id"]), None)
    if role is not None:
        out["description"] = _first_sentence(localized(role.description, lang))
        roles = [role]
    elif unit is not None:
        out["description"] = _first_sentence(localized(unit.description, lang))
        roles = list(framework.roles_with_unit(unit.code))
    else:
        return out
    out["links"] = [{"name": localized(r.name, lang),
                     "url": url_for("registry_pages.role", code=r.code, lang=lang)}
                    for r in roles if r.code in ROLE_CODES]
    return out


def _first_sentence(text: str) -> str:
    """One line: the description up to its first full stop."""
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def recognition_note(summary: dict[str, Any], lang: str) -> str | None:
    recognition = summary.get("recognition") or {}
    notes = recognition.get("notes") or {}
    return pick_language(notes, lang) if notes else recognition.get("note")


def edc_view(report: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """A European Digital Credential's sealer and content in the reader's language; None for
    a forged or unreadable one (nothing it says is covered by its seal)."""
    if report.get("kind") != "edc" or report.get("verdict") == "forged-or-malformed":
        return None
    summary = report.get("summary") or {}
    credential = summary.get("credential") or {}
    sealer = summary.get("sealer") or {}

    def text(texts: object) -> str | None:
        return pick_language(texts, lang) if isinstance(texts, dict) and texts else None

    issuer = credential.get("issuer") or {}
    return {
        "sealer": sealer, "sealed_at": moment(summary.get("sealedAt")),
        "certificate_until": day(sealer.get("notAfter")),
        "holder": text((credential.get("holder") or {}).get("name")),
        "claims": [{"title": text(c.get("title")) or "—", "eqf": c.get("eqfLevel")}
                   for c in credential.get("claims") or []],
        "issuer": text(issuer.get("legalName")), "issuer_country": issuer.get("country"),
        "valid_from": day(credential.get("validFrom")),
        "valid_until": day(credential.get("validUntil")),
    }
