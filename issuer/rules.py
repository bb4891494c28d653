"""The certification decision rules (ECQA practice as the Skills4Cities framework applies it).

A unit is passed when the score reaches its threshold (a percentage of the maximum). A role
is certified when every unit of its skills card has been passed, each within the
framework's validity window before the decision date.
"""
from dataclasses import dataclass
from datetime import date

from issuer.codes import IssuerCode


class RuleError(ValueError):
    """An assessment or decision request that the rules cannot accept; `code` says which
    rule (`issuer.codes.IssuerCode`), `score` and `max_score` what it was given."""

    def __init__(self, code: str, score: float, max_score: float) -> None:
        super().__init__(code)
        self.code, self.score, self.max_score = code, score, max_score


def unit_passed(score: float, max_score: float, threshold_percent: float) -> bool:
    if max_score <= 0:
        raise RuleError(IssuerCode.MAX_SCORE_NOT_POSITIVE, score, max_score)
    if score < 0 or score > max_score:
        raise RuleError(IssuerCode.SCORE_OUT_OF_RANGE, score, max_score)
    # compare in integers of 1/1000 to avoid float rounding at the boundary
    return round(score * 100_000) >= round(threshold_percent * max_score * 1000)


def window_start(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


@dataclass(frozen=True)
class RoleOutcome:
    certified: bool
    missing: tuple[str, ...]  # units not passed (or passed too long ago)


def role_outcome(unit_codes: tuple[str, ...], passed_on: dict[str, date], on: date,
                 window_years: int) -> RoleOutcome:
    """Whether a role is certified `on` a date, given the dates its units were passed."""
    start = window_start(on, window_years)
    missing = tuple(code for code in unit_codes
                    if code not in passed_on or not (start <= passed_on[code] <= on))
    return RoleOutcome(certified=not missing, missing=missing)
