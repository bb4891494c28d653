"""The verdict fails closed (ARCHITECTURE.md "Verification is a list of
checks"): for any list of check results, `decide` is VALID only when a signature check of
authenticity passed and nothing decisive is against it; nothing checked is never VALID; and
one more failed check never makes a verdict more trusted."""
from hypothesis import given
from hypothesis import strategies as st
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
)

from vc.checks import Check, Outcome
from vc.findings import Finding
from verifier.checks.base import Category, ReportedCheck
from verifier.service import Verifier
from verifier.verdict import Verdict, decide, worst

IDS = ("structure", "terms", "proof", "proof[1]", "key-binding", "validity", "status",
       "issuer-trust", "recognition", "disclosures")


# the order `worst` ranks by: forged is trusted least, VALID most
LEAST_TRUSTED_FIRST = (Verdict.FORGED_OR_MALFORMED, Verdict.NOT_VALID_NOW,
                       Verdict.COULD_NOT_CHECK, Verdict.VALID)


def trust_rank(verdict: Verdict) -> int:
    """0 for the least trusted verdict, 3 for VALID."""
    return LEAST_TRUSTED_FIRST.index(verdict)


ANY_OUTCOME = st.sampled_from(Outcome)


@st.composite
def reported_checks(draw, outcome: st.SearchStrategy[Outcome] = ANY_OUTCOME) -> ReportedCheck:
    check = Check(draw(st.sampled_from(IDS)), draw(outcome), Finding("legacy.unknown"),
                  signature=draw(st.booleans()))
    return ReportedCheck(check, draw(st.sampled_from(Category)), unknown_matters=draw(
        st.booleans()))


CHECK_LISTS = st.lists(reported_checks(), max_size=8)
FAILED_CHECKS = reported_checks(outcome=st.just(Outcome.FAILED))


def decisive(checks: list[ReportedCheck]) -> list[ReportedCheck]:
    return [c for c in checks if c.category is not Category.INFO]


@given(CHECK_LISTS)
def test_valid_only_when_a_signature_passed_and_nothing_is_against_it(checks):
    if decide(checks) is not Verdict.VALID:
        return
    assert any(c.category is Category.AUTHENTICITY and c.signature
               and c.outcome is Outcome.PASSED for c in checks)
    assert not any(c.outcome is Outcome.FAILED for c in decisive(checks))
    assert not any(c.outcome is Outcome.UNKNOWN and c.unknown_matters
                   for c in decisive(checks))


@given(CHECK_LISTS, FAILED_CHECKS, st.integers(0, 8))
def test_one_more_failed_check_never_makes_the_verdict_more_trusted(checks, bad, at):
    before = decide(checks)
    after = decide([*checks[:at], bad, *checks[at:]])
    assert trust_rank(after) <= trust_rank(before)
    if bad.category is not Category.INFO:
        assert after is not Verdict.VALID


@given(CHECK_LISTS, st.randoms(use_true_random=False))
def test_the_order_of_the_checks_does_not_change_the_verdict(checks, random):
    shuffled = list(checks)
    random.shuffle(shuffled)
    assert decide(shuffled) is decide(checks)


@given(st.lists(st.sampled_from(Verdict), max_size=6))
def test_worst_is_the_least_trusted_of_the_verdicts_and_never_valid_for_none(verdicts):
    found = worst(verdicts)
    if not verdicts:
        assert found is not Verdict.VALID
    else:
        assert found in verdicts
        assert all(trust_rank(found) <= trust_rank(v) for v in verdicts)


def test_nothing_checked_is_could_not_check_never_valid():
    # an empty list means nothing was checked: "could not check" (ARCHITECTURE.md case 3),
    # not "forged", which would accuse without evidence
    assert decide([]) is Verdict.COULD_NOT_CHECK
    assert worst([]) is Verdict.COULD_NOT_CHECK


def test_checks_that_verify_no_signature_cannot_make_a_credential_valid():
    passed = [ReportedCheck(Check(i, Outcome.PASSED, "ok"), category) for i, category in (
        ("structure", Category.AUTHENTICITY), ("terms", Category.AUTHENTICITY),
        ("validity", Category.CURRENCY), ("issuer-trust", Category.TRUST))]
    assert decide(passed) is Verdict.COULD_NOT_CHECK
    # a failed date is "authentic but not valid now" only once a signature shows it authentic
    expired = [*passed, ReportedCheck(Check("validity", Outcome.FAILED, "expired"),
                                      Category.CURRENCY)]
    assert decide(expired) is Verdict.COULD_NOT_CHECK


def test_a_real_report_without_its_proof_is_not_valid():
    """The checks of a genuine credential decide VALID; the same checks with the signature
    check taken out do not (what a verifier configured without a proof check would see)."""
    issuer = DemoIssuer()
    world = issuer_world(issuer)
    verifier = Verifier(FakeTrustSource([trusted(issuer, accreditation(issuer.did))], []),
                        resolver_for(world), world, clock=lambda: NOW, store=STORE)
    report = verifier.verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.VALID
    assert [c.id for c in report.checks if c.signature] == ["proof"]
    unsigned = [c for c in report.checks if not c.signature]
    assert decide(unsigned) is Verdict.COULD_NOT_CHECK
