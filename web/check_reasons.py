"""Each check's reason in the page's language.

The verifier writes its reasons in English, with the facts they are about (a key, a date, a
URL). Here each known reason is matched by its shape and said again in the reader's language
with the same facts. Where a reason carries a technical explanation from deeper down (why a
document is malformed, why a fetch failed), the translated sentence says what it means and
the explanation stays as a technical detail, in English, marked as such. A reason this module
does not know still gets a translated sentence for its outcome, never silence.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Explained:
    text: str  # in the page's language
    detail: str | None = None  # technical detail in English, shown smaller


Say = Callable[[re.Match[str]], Explained]
_SUITE = r"(?P<suite>[A-Za-z0-9-]+)"


def _t(text: Callable[[re.Match[str]], str], detail: str | None = None) -> Say:
    """A reason said as `text(match)`, with the match's group `detail` (if named) kept."""
    def say(m: re.Match[str]) -> Explained:
        return Explained(text(m), m.groupdict().get(detail) if detail else None)
    return say


def _status_word(purpose: str) -> str:
    return _("revoked") if purpose == "revoked" else _("suspended")


# (check id, regex over the whole reason, how to say it); the first match wins.
PATTERNS: list[tuple[str, str, Say]] = [
    ("structure", r"the credential has the structure of a W3C Verifiable Credential 2\.0",
     _t(lambda m: _("It has the structure of a W3C Verifiable Credential 2.0."))),
    ("structure", r"the credential is malformed: (?P<detail>.+)",
     _t(lambda m: _("It is not a well-formed credential."), "detail")),
    ("structure", r"(the credential is )?not a JSON object",
     _t(lambda m: _("This is not a credential: it is not a JSON object."))),
    ("schema", r"the credential names no schema",
     _t(lambda m: _("It names no JSON Schema to check against."))),
    ("schema", r"no local JSON Schemas are installed",
     _t(lambda m: _("No JSON Schemas are installed here, so its schema was not checked."))),
    ("schema", r"the credential does not match its schema (?P<s>\S+): (?P<detail>.+)",
     _t(lambda m: _("It does not match its schema %(schema)s.", schema=m["s"]), "detail")),
    ("schema", r"the schema (?P<s>\S+) is not one we hold, so it was not checked",
     _t(lambda m: _("Its schema %(schema)s is not one this verifier holds, so it was not "
                    "checked.", schema=m["s"]))),
    ("schema", r"the credential matches its JSON Schema (?P<s>.+)",
     _t(lambda m: _("It matches its JSON Schema %(schema)s.", schema=m["s"]))),
    ("terms", r"every property and type is defined by accepted contexts",
     _t(lambda m: _("Every property and type is defined by an accepted vocabulary."))),
    ("terms", r"(?P<detail>.+)",
     _t(lambda m: _("It uses a property, type or vocabulary that is not accepted, so its "
                    "meaning cannot be relied on."), "detail")),
    ("proof", rf"valid {_SUITE} signature by (?P<key>\S+)",
     _t(lambda m: _("Valid %(suite)s signature by %(key)s.", suite=m["suite"], key=m["key"]))),
    ("proof", (rf"the {_SUITE} signature by (?P<key>\S+) does not match the document: it was "
              r"altered or signed by another key"),
     _t(lambda m: _("The %(suite)s signature by %(key)s does not match the content: it was "
                    "altered after signing, or signed by another key.",
                    suite=m["suite"], key=m["key"]))),
    ("proof", r"the document has no proof",
     _t(lambda m: _("It carries no signature."))),
    ("proof", r"could not fetch the key (?P<key>\S+): (?P<detail>.+)",
     _t(lambda m: _("The signing key %(key)s could not be fetched.", key=m["key"]), "detail")),
    ("proof", r"key (?P<key>\S+) is not usable: (?P<detail>.+)",
     _t(lambda m: _("The signing key %(key)s cannot be used.", key=m["key"]), "detail")),
    ("proof", r"(?P<detail>.+)",
     _t(lambda m: _("The signature is not valid."), "detail")),
    ("key-binding", r"the credential names no issuer",
     _t(lambda m: _("It names no issuer."))),
    ("key-binding", r"the credential has no proof",
     _t(lambda m: _("It carries no signature."))),
    ("key-binding", (r"signed, but not by a key the issuer (?P<issuer>\S+) controls: "
                    r"(?P<detail>.+)"),
     _t(lambda m: _("Signed, but not by a key the issuer %(issuer)s controls.",
                    issuer=m["issuer"]), "detail")),
    ("key-binding", (r"it was signed with key (?P<key>.+), which is not a key of the issuer "
                    r"(?P<issuer>\S+)"),
     _t(lambda m: _("It was signed with key %(key)s, which is not a key of the issuer "
                    "%(issuer)s.", key=m["key"], issuer=m["issuer"]))),
    ("key-binding", r"the issuer's DID document could not be fetched: (?P<detail>.+)",
     _t(lambda m: _("The issuer's public keys (its DID document) could not be fetched."),
        "detail")),
    ("key-binding", (r"the issuer does not authorise key (?P<key>\S+) for issuing: "
                    r"(?P<detail>.+)"),
     _t(lambda m: _("The issuer does not list key %(key)s for issuing credentials.",
                    key=m["key"]), "detail")),
    ("key-binding", r"key (?P<key>\S+) is controlled by (?P<c>\S+), not the issuer",
     _t(lambda m: _("Key %(key)s belongs to %(controller)s, not to the issuer.",
                    key=m["key"], controller=m["c"]))),
    ("key-binding", (r"signed with a key that the issuer (?P<issuer>\S+) lists for issuing "
                    r"credentials \(assertionMethod\)"),
     _t(lambda m: _("Signed with a key that the issuer %(issuer)s lists for issuing "
                    "credentials.", issuer=m["issuer"]))),
    ("facts", r"the credential cannot be read unambiguously: (?P<detail>.+)",
     _t(lambda m: _("It can be read in more than one way (for example two expiry dates), "
                    "so it cannot be relied on."), "detail")),
    ("role-stack", r"it lists more than (?P<n>\d+) related credentials",
     _t(lambda m: _("It lists more than %(n)s related credentials.", n=m["n"]))),
    ("role-stack", (r"the (?P<n>\d+) unit credentials it was earned from were not supplied, "
                   r"so they were not checked"),
     _t(lambda m: _("For information: the %(n)s unit credentials this role was earned from "
                    "were not supplied with it. The role credential stands on its own; the "
                    "units are checked only when the holder supplies them.", n=m["n"]))),
    ("role-stack", (r"the supplied unit credential (?P<id>\S+) is not the one the role "
                   r"credential was issued for \(its digest differs\)"),
     _t(lambda m: _("The supplied unit credential %(id)s is not the one the role was issued "
                    "for.", id=m["id"]))),
    ("role-stack", r"the unit credential (?P<id>\S+) has another issuer",
     _t(lambda m: _("The unit credential %(id)s has another issuer.", id=m["id"]))),
    ("role-stack", r"the unit credential (?P<id>\S+) does not verify: (?P<detail>.+)",
     _t(lambda m: _("The unit credential %(id)s does not verify.", id=m["id"]), "detail")),
    ("role-stack", (r"the (?P<n>\d+) related credential\(s\) it names .*were supplied, match "
                   r"their digests and verify"),
     _t(lambda m: _("The %(n)s related credentials it names were supplied, match their "
                    "digests and verify.", n=m["n"]))),
    ("role-stack", (r"(?P<n>\d+) supplied unit credentials match and verify; (?P<k>\d+) were "
                   r"not supplied"),
     _t(lambda m: _("For information: %(n)s supplied unit credentials match and verify; "
                    "%(missing)s were not supplied.", n=m["n"], missing=m["k"]))),
    ("validity", r"not valid yet: it becomes valid on (?P<d>.+)",
     _t(lambda m: _("Not valid yet: it becomes valid on %(date)s.", date=m["d"]))),
    ("validity", r"expired on (?P<d>.+)",
     _t(lambda m: _("It expired on %(date)s.", date=m["d"]))),
    ("validity", r"valid now; it has no expiry date",
     _t(lambda m: _("Valid now; it has no expiry date."))),
    ("validity", r"valid now, until (?P<d>.+)",
     _t(lambda m: _("Valid now, until %(date)s.", date=m["d"]))),
    ("status", r"the issuer gave it no revocation or suspension status",
     _t(lambda m: _("The issuer gave it no revocation or suspension status."))),
    ("status", r"could not check whether it is (?P<w>revoked|suspended): (?P<detail>.+)",
     _t(lambda m: _("Could not check whether it is %(status)s: the issuer's status list could "
                    "not be read.", status=_status_word(m["w"])), "detail")),
    ("status", (r"could not check its status: the issuer gave it a status of type (?P<t>.+), "
                r"which this verifier does not implement"),
     _t(lambda m: _("Could not check its status: the issuer uses a status method "
                    "(%(type)s) that this verifier does not implement.", type=m["t"]))),
    ("status", r"the issuer has revoked it",
     _t(lambda m: _("The issuer has revoked it."))),
    ("status", r"the issuer has suspended it",
     _t(lambda m: _("The issuer has suspended it."))),
    ("status", r"not revoked, according to the issuer's signed status list",
     _t(lambda m: _("Not revoked, according to the issuer's signed status list."))),
    ("status", r"not suspended, according to the issuer's signed status list",
     _t(lambda m: _("Not suspended, according to the issuer's signed status list."))),
    ("issuer-trust", r"no registry or trust list was available to check the issuer",
     _t(lambda m: _("No registry or trust list was available to check the issuer."))),
    ("issuer-trust", r"the registry could not be consulted: (?P<detail>.+)",
     _t(lambda m: _("The registry of accredited bodies could not be consulted."), "detail")),
    ("issuer-trust", (r"the issuer (?P<did>\S+) is not in the registry of accredited "
                     r"certification bodies"),
     _t(lambda m: _("The issuer %(issuer)s is not in the registry of accredited certification "
                    "bodies.", issuer=m["did"]))),
    ("issuer-trust", r"the credential does not say what was achieved or when",
     _t(lambda m: _("It does not say what was achieved or when."))),
    ("issuer-trust", (r"(?P<name>.+) is accredited by (?P<anchor>.+) \((?P<c>[A-Z]{2})\) to "
                     r"certify this at EQF level (?P<l>\d) on (?P<d>\d{4}-\d{2}-\d{2})"),
     _t(lambda m: _("%(body)s is accredited by %(anchor)s (%(country)s) to certify this at EQF "
                    "level %(level)s on %(date)s.", body=m["name"], anchor=m["anchor"],
                    country=m["c"], level=m["l"], date=m["d"]))),
    ("issuer-trust", (r"(?P<name>.+) is accredited by (?P<anchor>.+) \((?P<c>[A-Z]{2})\) to "
                     r"certify this on (?P<d>\d{4}-\d{2}-\d{2})"),
     _t(lambda m: _("%(body)s is accredited by %(anchor)s (%(country)s) to certify this on "
                    "%(date)s.", body=m["name"], anchor=m["anchor"], country=m["c"],
                    date=m["d"]))),
    ("issuer-trust", (r"(?P<name>.+) is registered, but no accreditation allowed it to certify "
                     r"(?P<what>\S+)(?: at EQF level (?P<l>\d))? on (?P<d>\d{4}-\d{2}-\d{2})"),
     _t(lambda m: _("%(body)s is registered, but no accreditation allowed it to certify "
                    "%(achievement)s on %(date)s.", body=m["name"], achievement=m["what"]
                    + (f" (EQF {m['l']})" if m["l"] else ""), date=m["d"]))),
    ("recognition", r"no country was chosen",
     _t(lambda m: _("No country was chosen."))),
    ("recognition", r"no registry to ask how the country recognises it",
     _t(lambda m: _("There is no registry to ask how the country recognises it."))),
    ("recognition", r"the registry could not be asked: (?P<detail>.+)",
     _t(lambda m: _("The registry could not be asked."), "detail")),
    ("recognition", r"(?P<c>[A-Z]{2}) has recorded no recognition of this achievement",
     _t(lambda m: _("%(country)s has recorded no recognition of this.", country=m["c"]))),
    ("recognition", (r"(?P<c>[A-Z]{2}) recognises it at national level (?P<nqf>.+?) "
                    r"\(EQF (?P<eqf>\d)\)\.(?: (?P<detail>.+))?"),
     # the note after it is shown, in the reader's language, beside the recognition
     _t(lambda m: _("%(country)s recognises it at national level %(nqf)s (EQF %(eqf)s).",
                    country=m["c"], nqf=m["nqf"], eqf=m["eqf"]))),
    # what was given could not be read (verifier.qr_payload, vc.qr)
    ("input", r"the input is empty|expected text",
     _t(lambda m: _("Nothing was given: paste a credential, an S4C1: code or a link, or "
                    "upload a photo of the QR code."))),
    ("input", r"the (input|QR text) is longer than (?P<n>\d+) characters",
     _t(lambda m: _("The text is too long (more than %(n)s characters).", n=m["n"]))),
    ("input", r"the text is not valid JSON: (?P<detail>.+)",
     _t(lambda m: _("The text starts like a credential file but is not valid JSON."),
        "detail")),
    ("input", (r"the JSON must be an object \(a credential\)|the payload must hold a JSON "
              r"object"),
     _t(lambda m: _("The JSON is not an object, so it cannot be a credential."))),
    ("input", r".* is neither a credential \(JSON( or SD-JWT VC)?\), an s4c QR payload .*",
     _t(lambda m: _("This is neither a credential file, an s4c QR code text (S4C1:) nor an "
                    "s4c share link (.../v/...)."))),
    ("input", r"the QR text .* does not start with .*",
     _t(lambda m: _("This QR code is not an s4c credential code (it does not start with "
                    "S4C1:)."))),
    ("input", r"no QR code was found in the image",
     _t(lambda m: _("No QR code was found in the photo. Take it closer, sharp and well lit."))),
    # what an uploaded file turned out to be (verifier.file_input, verifier.pdf_input)
    ("input", r"the (file|image) is larger than (?P<n>\d+) MiB",
     _t(lambda m: _("The file is too large (more than %(n)s MiB).", n=m["n"]))),
    ("input", (r"the file is not a credential, an SD-JWT VC, a PDF certificate or a photo of "
               r"a QR code"),
     _t(lambda m: _("This file is not a credential file, an SD-JWT VC, a PDF certificate or a "
                    "photo of a QR code."))),
    ("input", r"the file is an image in (?P<kind>[A-Za-z ]+), not PNG or JPEG",
     _t(lambda m: _("This picture is in %(kind)s: upload a PNG or JPEG photo of the QR code "
                    "instead.", kind=m["kind"]))),
    ("input", r"the PDF holds no credential and no s4c QR code",
     _t(lambda m: _("This PDF holds no credential and no s4c QR code."))),
    ("input", r"the PDF (file could not be read|is encrypted)",
     _t(lambda m: _("This PDF file could not be read."))),
    ("input", r"the JSON is not a credential: .*",
     _t(lambda m: _("This JSON file is not a credential: it has none of the parts every "
                    "credential has."))),
    ("input", r"the presentation carries no credential",
     _t(lambda m: _("This presentation carries no credential."))),
    ("input", r"(?P<detail>.*(Base45|zlib|payload|truncated|corrupt).*)",
     _t(lambda m: _("The QR code's content is damaged or incomplete; scan it again."),
        "detail")),
    ("input", r"(?P<detail>.*(PNG|JPEG|image).*)",
     _t(lambda m: _("The file is not a readable PNG or JPEG image."), "detail")),
    ("input", r"the document is nested too deeply",
     _t(lambda m: _("The document is nested too deeply to be a credential."))),
]
_COMPILED = [(check, re.compile(pattern, re.DOTALL), say) for check, pattern, say in PATTERNS]


def base_check_id(check_id: str) -> str:
    """`proof[1]` and `status.revocation` are said like `proof` and `status`."""
    return check_id.split(".", 1)[0].split("[", 1)[0]


def explain(check_id: str, outcome: str, reason: str) -> Explained:
    """`reason` (the verifier's English) in the page's language."""
    base = base_check_id(check_id)
    for check, pattern, say in _COMPILED:
        if check == base:
            match = pattern.fullmatch(reason)
            if match:
                return say(match)
    fallback = {"passed": _("This check passed."), "failed": _("This check failed."),
                "unknown": _("This could not be checked.")}
    return Explained(fallback.get(outcome, fallback["unknown"]), reason)


def explain_input_error(message: str) -> Explained:
    """Why the given text or photo could not be read, in the page's language."""
    for check, pattern, say in _COMPILED:
        if check == "input":
            match = pattern.fullmatch(message)
            if match:
                said = say(match)
                return Explained(said.text, _without_reprs(said.detail))
    return Explained(_("This could not be read."), _without_reprs(message))


# A Python object's repr (`<_io.BytesIO object at 0x7f…>`) that a library put in its message:
# it means nothing to a reader and tells an attacker about the process.
_REPR = re.compile(r"<[A-Za-z_][\w.]* object at 0x[0-9a-fA-F]+>")


def _without_reprs(detail: str | None) -> str | None:
    return _REPR.sub("…", detail) if detail else detail
