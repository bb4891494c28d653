"""Assessments as numbered attempts, and voiding one recorded in error: a retake
on the same day is a new attempt; a pass after a failure certifies the unit; a second pass
earns no second unit credential; a voided attempt stays on record, no longer counts, frees
its number, and never changes a credential already issued."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from cohorts import issue_cohort
from sqlalchemy import select

from issuer.audit import AuditEvent
from issuer.cohort_preview import preview_cohort
from issuer.models import Assessment, Decision
from issuer.service import IssuerError, NotFound
from issuer.voiding import AlreadyVoided
from web.cli.context import issuer_service
from web.officer.words import issuer_reason_english
from web.plumbing.finding_words import say_english
from web.wiring.settings import Settings

TODAY = date.today()
DAY = TODAY - timedelta(days=1)
HEADER = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"


@pytest.fixture
def service(tmp_path: Path):
    settings = Settings.from_environment(tmp_path / "data", environ={
        "S4C_PUBLIC_URL": "https://certify.example.eu",
        "S4C_KEY_PASSPHRASE": "test passphrase 1234"})
    return issuer_service(settings)


def _candidate(service, email: str = "ana@example.org") -> str:
    return service.add_candidate("Ana Test", email, None, "test")


def _record(service, ref: str, unit: str, score: float, on: date = DAY):
    return service.record_attempt(ref, unit, score, 100, on, "Exam Centre", "Assessor A",
                                  "olga")


def _pass_role(service, ref: str, role: str = "SCPM", skip: tuple[str, ...] = ()) -> None:
    for unit in service.framework().role(role).units:
        if unit not in skip:
            _record(service, ref, unit, 80)


def _unit_credentials(service, ref: str, unit: str) -> list:
    return [c for c in service.credentials(candidate_ref=ref)
            if c.kind == "unit" and c.code == unit]


def _roles(service, ref: str) -> set[str]:
    return {c.code for c in service.credentials(candidate_ref=ref) if c.kind == "role"}


def _audit(service, action: str) -> list[AuditEvent]:
    with service.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_retake_on_the_same_day_is_attempt_2_and_its_pass_certifies_the_unit(service):
    ref = _candidate(service)
    unit = service.framework().units[0].code
    failed = _record(service, ref, unit, 20)
    retake = _record(service, ref, unit, 90)
    assert (failed.attempt, failed.passed, retake.attempt, retake.passed) == (1, False, 2, True)
    assert retake.new and retake.unit_passed_on is None
    again = _record(service, ref, unit, 90)  # the same result again: the same attempt
    assert (again.attempt, again.new, again.ref) == (2, False, retake.ref)
    service.certify_and_issue(ref, "olga")
    [credential] = _unit_credentials(service, ref, unit)
    with service.sessions() as s:
        decision = s.scalar(select(Decision).where(Decision.kind == "unit"))
        assert s.get(Assessment, decision.assessment_id).ref == retake.ref
    assert [e.detail["attempt"] for e in _audit(service, "assessment.recorded")] == [1, 2]
    assert credential.code == unit


def test_a_second_pass_is_recorded_but_earns_no_second_unit_credential(service):
    ref = _candidate(service)
    unit = service.framework().units[0].code
    _record(service, ref, unit, 80, DAY - timedelta(days=3))
    service.certify_and_issue(ref, "olga")
    second = _record(service, ref, unit, 95)
    assert second.attempt == 2 and second.passed
    assert second.unit_passed_on == DAY - timedelta(days=3)
    assert service.certify_and_issue(ref, "olga").issued == []
    assert len(_unit_credentials(service, ref, unit)) == 1


def test_voiding_names_the_credentials_issued_from_it_and_changes_none(service):
    ref = _candidate(service)
    _pass_role(service, ref)
    issued = service.certify_and_issue(ref, "olga").issued
    unit = service.framework().role("SCPM").units[0]
    [assessment] = [a for a in _attempts(service, ref) if a.unit_code == unit]
    voided = service.void_assessment(assessment.ref, "  wrong candidate sheet  ", "olga")
    assert voided.reason == "wrong candidate sheet" and voided.withdrawn == ()
    assert {(c.kind, c.code) for c in voided.credentials} == {("unit", unit), ("role", "SCPM")}
    assert "NOT changed" in voided.describe()
    # nothing issued changed
    assert not any(service.credential(d["id"]).revoked for d in issued)
    assert len(service.credentials(candidate_ref=ref)) == len(issued)
    [event] = _audit(service, "assessment.voided")
    assert event.actor == "olga" and event.subject == ref
    assert event.detail["reason"] == "wrong candidate sheet"
    assert set(event.detail["credentials_unchanged"]) == {c.id for c in voided.credentials}
    # it stays on record, marked
    [stored] = [a for a in _attempts(service, ref) if a.ref == assessment.ref]
    assert stored.voided_by == "olga" and stored.void_reason == "wrong candidate sheet"
    with pytest.raises(AlreadyVoided) as voided_twice:
        service.void_assessment(assessment.ref, "again", "olga")
    assert "already voided by olga" in issuer_reason_english(voided_twice.value)
    with pytest.raises(NotFound):
        service.void_assessment("no-such-assessment", "typo", "olga")
    with pytest.raises(IssuerError, match="issuer.void-reason-required"):
        service.void_assessment(assessment.ref, "   ", "olga")
    assert len(_audit(service, "assessment.voided")) == 1


def _said(row) -> str:
    """A dry run's row in English, from the catalogue (outcome; notes)."""
    return "; ".join(say_english(f) for f in (row.outcome, *row.notes))


def _attempts(service, ref: str) -> list[Assessment]:
    with service.sessions() as s:
        return list(s.scalars(select(Assessment).order_by(Assessment.id)))


def test_a_voided_pass_no_longer_counts_and_frees_its_number_for_the_correction(service):
    ref = _candidate(service)
    role = service.framework().role("SCPM")
    unit = role.units[0]
    _pass_role(service, ref)
    wrong = next(a for a in _attempts(service, ref) if a.unit_code == unit)
    service.void_assessment(wrong.ref, "score typed as 80, the sheet says 30", "olga")
    progress = {r.code: r for r in service.role_progress(ref)}
    assert not progress["SCPM"].certified and progress["SCPM"].missing == (unit,)
    corrected = _record(service, ref, unit, 30)
    assert corrected.attempt == 1 and corrected.new and not corrected.passed
    result = service.certify_and_issue(ref, "olga")
    assert "SCPM" not in _roles(service, ref) and _unit_credentials(service, ref, unit) == []
    assert len(result.issued) == len(role.units) - 1
    # the same result as the voided one, recorded again, is a new attempt (2)
    assert _record(service, ref, unit, 80).attempt == 2
    service.certify_and_issue(ref, "olga")
    assert "SCPM" in _roles(service, ref)


def test_voiding_withdraws_a_decision_that_has_no_credential_yet(service):
    ref = _candidate(service)
    unit = service.framework().units[0].code
    attempt = _record(service, ref, unit, 80)
    assert ("unit", unit) in service.certify(ref, "olga")  # decided, not issued
    voided = service.void_assessment(attempt.ref, "wrong unit", "olga")
    assert voided.withdrawn == (("unit", unit),) and voided.credentials == ()
    assert service.issue(ref, "olga").issued == []
    assert service.certify(ref, "olga") == []


def test_a_role_does_not_count_a_unit_credential_whose_result_was_voided(service):
    ref = _candidate(service)
    role = service.framework().role("SCPM")
    first = role.units[0]
    wrong = _record(service, ref, first, 80)
    service.certify_and_issue(ref, "olga")  # the unit alone: its credential is issued
    service.void_assessment(wrong.ref, "another candidate's result", "olga")
    _pass_role(service, ref, skip=(first,))
    service.certify_and_issue(ref, "olga")
    assert "SCPM" not in _roles(service, ref)
    _record(service, ref, first, 75)  # the candidate's own pass
    assert service.certify_and_issue(ref, "olga").issued
    assert "SCPM" in _roles(service, ref)
    assert len(_unit_credentials(service, ref, first)) == 1  # no second unit credential


def test_a_cohort_retake_on_the_same_day_is_attempt_2_in_the_check_and_the_run(service):
    ref = _candidate(service)
    units = service.framework().role("SCPM").units
    _record(service, ref, units[0], 20)
    text = HEADER + "".join(f"Ana Test,ana@example.org,,{u},80,100,{DAY},Exam Centre,A\n"
                            for u in units)
    preview = preview_cohort(service, text)
    assert _said(preview.rows[0]) == ("passed, attempt 2; a retake on the same day as "
                                      "attempt 1: 20/100")
    assert [_said(r) for r in preview.rows[1:]] == ["passed"] * (len(units) - 1)
    assert preview.refused == 0 and preview.candidates[0].roles == ("SCPM",)
    summary = issue_cohort(service, text, "olga")
    assert summary.errors == [] and "SCPM" in _roles(service, ref)
    assert sorted(a.attempt for a in _attempts(service, ref) if a.unit_code == units[0]) == \
        [1, 2]
    assert issue_cohort(service, text, "olga").issued == 0  # the same file: nothing twice
    assert len(_attempts(service, ref)) == len(units) + 1
    again = preview_cohort(service, text)
    assert _said(again.rows[0]) == "already recorded, attempt 2"
    retake = HEADER + f"Ana Test,ana@example.org,,{units[0]},99,100,{DAY},Exam Centre,A\n"
    assert _said(preview_cohort(service, retake).rows[0]).endswith(
        "the unit is certified already: no second unit credential")


def test_two_results_numbered_at_the_same_moment_both_get_recorded(service, monkeypatch):
    """The unique index decides a race for an attempt number; the loser is numbered again."""
    import issuer.assessments as module

    ref = _candidate(service)
    unit = service.framework().units[0].code
    _record(service, ref, unit, 20)
    real, calls = module.known_attempts, []

    def stale_once(s, ids, framework_id):  # as read before the other writer committed
        calls.append(1)
        return real(s, ids, framework_id) if len(calls) > 1 else \
            module.defaultdict(module.Attempts)

    monkeypatch.setattr(module, "known_attempts", stale_once)
    retake = _record(service, ref, unit, 90)
    assert retake.attempt == 2 and len(calls) == 2
    assert sorted(a.attempt for a in _attempts(service, ref)) == [1, 2]
