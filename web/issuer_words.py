"""The issuer's answers in the officer console's language.

`issuer/` says why it refuses something in English, with the facts it is about (a unit, a
date, a credential id), and knows nothing of the web layer. Here each known sentence is
matched by its shape and said again in the console's language with the same facts, as
`web.check_reasons` does for the verifier. A sentence not known here is shown as it is.
"""
import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import pgettext

from issuer.progress import RoleProgress

Say = Callable[[re.Match[str]], str]
_ID = r"(?P<id>\S+)"

# (regex over the whole sentence, how to say it); the first match wins.
PATTERNS: list[tuple[str, Say]] = [
    # issuer.candidates, issuer.holder_sign_in, issuer.wallet_issuing
    (r"no candidate has the e-mail address (?P<email>.+)",
     lambda m: _("no candidate has the e-mail address %(email)s", email=m["email"])),
    (r"no candidate (?P<ref>.+)", lambda m: _("there is no candidate %(ref)s", ref=m["ref"])),
    (r"(?P<email>.+) is not an email address",
     lambda m: _("%(email)s is not an e-mail address", email=m["email"])),
    (r"a candidate needs a name", lambda m: _("a candidate needs a name")),
    (r"(?P<did>.+) is not a DID \((?P<syntax>did:<method>:<id>), no spaces\)",
     lambda m: _("%(did)s is not a DID (%(syntax)s, no spaces)", did=m["did"],
                 syntax=m["syntax"])),
    # issuer.assessments, issuer.rules
    (r"unit (?P<unit>.+) is not in framework (?P<framework>\S+)",
     lambda m: _("unit %(unit)s is not in framework %(framework)s", unit=m["unit"],
                 framework=m["framework"])),
    (r"unit (?P<unit>\S+): the maximum score must be positive",
     lambda m: _("unit %(unit)s: the maximum score must be positive", unit=m["unit"])),
    (r"unit (?P<unit>\S+): score (?P<score>\S+) is outside 0\.\.(?P<max>\S+)",
     lambda m: _("unit %(unit)s: score %(score)s is outside 0 to %(max)s", unit=m["unit"],
                 score=m["score"], max=m["max"])),
    (r"assessment date (?P<date>\S+) is in the future",
     lambda m: _("assessment date %(date)s is in the future", date=m["date"])),
    (r"unit (?P<unit>\S+) on (?P<date>\S+) is already recorded with score (?P<score>\S+)",
     lambda m: _("unit %(unit)s on %(date)s is already recorded with score %(score)s",
                 unit=m["unit"], date=m["date"], score=m["score"])),
    # issuer.lifecycle
    (r"no credential (?P<id>.+)", lambda m: _("there is no credential %(id)s", id=m["id"])),
    (rf"{_ID} is already revoked", lambda m: _("%(id)s is already revoked", id=m["id"])),
    (rf"{_ID} is revoked: it cannot be suspended",
     lambda m: _("%(id)s is revoked: it cannot be suspended", id=m["id"])),
    (rf"{_ID} is already suspended", lambda m: _("%(id)s is already suspended", id=m["id"])),
    (rf"{_ID} is revoked: a revoked credential can never be reinstated",
     lambda m: _("%(id)s is revoked: a revoked credential can never be reinstated",
                 id=m["id"])),
    (rf"{_ID} is not suspended", lambda m: _("%(id)s is not suspended", id=m["id"])),
    (r"this credential was revoked: it can no longer be issued",
     lambda m: _("this credential was revoked: it can no longer be issued")),
    # issuer.shares
    (r"the expiry must be after today", lambda m: _("the expiry must be after today")),
    (r"the expiry must be at most five years from now",
     lambda m: _("the expiry must be at most five years from now")),
    # issuer.batch, issuer.cohort_issuing, issuer.cohort_preview (after "line N: ")
    (r"the file contains a NUL character, so it is not CSV text;.+",
     lambda m: _("the file contains a NUL character, so it is not CSV text; save the "
                 "spreadsheet as CSV UTF-8")),
    (r"the CSV header lacks the column\(s\) (?P<missing>.+); expected: (?P<expected>\S+)",
     lambda m: _("the CSV header lacks the column(s) %(missing)s; expected: %(expected)s",
                 missing=m["missing"], expected=m["expected"])),
    (r"more than (?P<n>\d+) rows", lambda m: _("more than %(n)s rows", n=m["n"])),
    (r"unreadable CSV row \((?P<detail>.+)\)",
     lambda m: _("unreadable CSV row (%(detail)s)", detail=m["detail"])),
    (r"(?P<column>\w+) is longer than (?P<n>\d+) characters",
     lambda m: _("%(column)s is longer than %(n)s characters", column=m["column"], n=m["n"])),
    (r"(?P<column>\w+) is empty", lambda m: _("%(column)s is empty", column=m["column"])),
    (r"score (?P<score>.+) / max_score (?P<max>.+) must be numbers",
     lambda m: _("score %(score)s / max_score %(max)s must be numbers", score=m["score"],
                 max=m["max"])),
    (r"score (?P<score>.+) / max_score (?P<max>.+) must be finite numbers",
     lambda m: _("score %(score)s / max_score %(max)s must be finite numbers",
                 score=m["score"], max=m["max"])),
    (r"assessed_on (?P<value>.+) is not a date \(YYYY-MM-DD\)",
     lambda m: _("assessed_on %(value)s is not a date (YYYY-MM-DD)", value=m["value"])),
    (r"could not issue: (?P<detail>.+)",
     lambda m: _("could not issue: %(detail)s", detail=m["detail"])),
    (r"refused: already recorded on (?P<date>\S+) with score (?P<score>\S+)",
     lambda m: _("refused: already recorded on %(date)s with score %(score)s",
                 date=m["date"], score=m["score"])),
    (r"refused: (?P<reason>.+)",
     lambda m: _("refused: %(reason)s", reason=issuer_reason(m["reason"]))),
    # web.holder_mail, web.mailer, web.job_queue
    (r"no SMTP server is configured: (?P<detail>.+)",
     lambda m: _("no SMTP server is configured (%(detail)s)", detail=m["detail"])),
    (r"the SMTP server (?P<host>\S+) did not take the message: (?P<detail>.+)",
     lambda m: _("the mail server %(host)s did not take the message: %(detail)s",
                 host=m["host"], detail=m["detail"])),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), say) for pattern, say in PATTERNS]
_LINE = re.compile(r"line (?P<line>\d+): (?P<rest>.+)", re.DOTALL)


def issuer_reason(message: str) -> str:
    """`message` (the issuer's English) in the console's language; "line N: …" (a row of a
    cohort file) keeps its line number. Unknown sentences are returned as they are."""
    line = _LINE.fullmatch(message)
    if line:
        return _("line %(line)s: %(reason)s", line=line["line"],
                 reason=issuer_reason(line["rest"]))
    for pattern, say in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return message


def preview_outcome(outcome: str) -> str:
    """What a row of a cohort dry run would do (`issuer.cohort_preview.PreviewRow`)."""
    words = {"passed": pgettext("assessment", "passed"),
             "not passed": pgettext("assessment", "not passed"),
             "already recorded": _("already recorded")}
    return words.get(outcome) or issuer_reason(outcome)


def role_progress(role: RoleProgress) -> str:
    """Why a role is certified or not yet (`RoleProgress.describe`, in the console's
    language)."""
    if role.certified:
        return _("%(role)s: certified", role=role.code)
    parts = []
    for unit in role.missing:
        fails = [f for f in role.failed if f.unit == unit]
        if fails:
            results = ", ".join(
                _("%(score)s/%(max)s on %(date)s", score=f"{f.score:g}",
                  max=f"{f.max_score:g}", date=f.assessed_on.isoformat()) for f in fails)
            parts.append(_("%(unit)s (%(results)s: not passed)", unit=unit, results=results))
        else:
            parts.append(_("%(unit)s (no result)", unit=unit))
    return _("%(role)s still needs %(units)s", role=role.code, units=", ".join(parts))
