"""Why a wallet's answer was refused, in the employer's language (issue 12 §1: every error
message translated). The verifier's reason (`verifier.oid4vp_answers.RefusedAnswer`) stays
the technical detail, in English; the page leads with one of these sentences."""
import re

from flask_babel import gettext as _

_KINDS = [
    (re.compile(r"^the credential in the answer is not valid"), "invalid"),
    (re.compile(r"names another request|encrypted to another key"), "request"),
    (re.compile(r"did not disclose|asked for|one credential was asked"), "claims"),
    (re.compile(r"not bound to this request|not valid for this request|nonce|audience|"
                r"challenge|domain"), "binding"),
    (re.compile(r"is of type|not an SD-JWT VC|not a Verifiable"), "type"),
]


def refusal_text(reason: str | None) -> str | None:
    """The translated sentence for a refusal reason; None when there is no refusal."""
    if not reason:
        return None
    kind = next((k for pattern, k in _KINDS if pattern.search(reason)), "unreadable")
    return {
        "request": _("The answer was meant for another request, so it was not used."),
        "claims": _("The wallet did not share everything that was asked for (for example "
                    "the holder's name)."),
        "binding": _("The answer was not made for this request: it may be copied from "
                     "another one, so it was not used."),
        "type": _("The wallet sent another kind of credential than the one asked for."),
        "unreadable": _("The wallet's answer could not be read."),
        "invalid": _("The credential in the answer is not valid, so it was not accepted: "
                     "only a valid answer ends this request."),
    }[kind]
