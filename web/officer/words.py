"""The issuer's findings in words: a refusal, a cohort row error, a dry run's outcome.

`issuer/` says why it refuses something as a code with its facts (`issuer.codes`); the
sentence for each code, in every language and English included, comes from the catalogue
(`web.plumbing.finding_words`). Nothing here reads English back into meaning.
"""
from flask_babel import gettext as _

from issuer.codes import CohortCode
from issuer.cohort_preview import PreviewRow
from issuer.progress import RoleProgress
from vc.findings import Finding, FindingError
from web.plumbing.finding_words import say, say_english, say_in
from web.plumbing.i18n import DEFAULT_LANGUAGE, current_language


def _language() -> str:
    try:
        return current_language()
    except RuntimeError:  # no request: the command line
        return DEFAULT_LANGUAGE


def row_error_in(found: Finding, lang: str) -> str:
    """`found` in `lang`, led by the line of the cohort file it points at, if any."""
    line = found.params.get("line")
    sentence = say_in(found, lang)
    if not isinstance(line, int):
        return sentence
    # the line as digits, as the editor shows it ("line 1234", never "1,234")
    return say_in(Finding(CohortCode.ROW, {"line": str(line), "reason": sentence}), lang)


def issuer_reason(why: Finding | FindingError) -> str:
    """Why the issuer refused, in the page's language (English outside a request)."""
    found = why.finding if isinstance(why, FindingError) else why
    return row_error_in(found, _language())


def issuer_reason_english(why: Finding | FindingError) -> str:
    """The same in English, for the command line and the APIs' `detail`."""
    found = why.finding if isinstance(why, FindingError) else why
    return row_error_in(found, DEFAULT_LANGUAGE)


def operator_english(error: Exception) -> str:
    """An error for the command line: a finding in English from the catalogue, with its
    technical detail in brackets (what to set, what the server answered); any other error
    as it is."""
    if not isinstance(error, FindingError):
        return str(error)
    sentence = issuer_reason_english(error)
    detail = error.finding.detail
    return f"{sentence} ({detail})" if detail else sentence


def problem_members(why: Finding | FindingError) -> dict:
    """The RFC 9457 extension members of a refusal: its `code` and `params`."""
    found = why.finding if isinstance(why, FindingError) else why
    members = found.to_json()
    members.pop("detail", None)  # the caller decides whether a technical detail is shown
    return members


def preview_outcome(row: PreviewRow) -> str:
    """What a row of a cohort dry run would do (`issuer.cohort_preview.PreviewRow`)."""
    if row.refused:
        return _("refused: %(reason)s", reason=say(row.outcome))
    return "; ".join([say(row.outcome), *(say(note) for note in row.notes)])


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


__all__ = ["issuer_reason", "issuer_reason_english", "operator_english", "preview_outcome",
           "problem_members", "role_progress", "row_error_in", "say_english"]
