"""Reading verification results in tests: which check failed, and why."""
from vc.checks import Check
from vc.findings import Finding

# the reason vc._internal.dataintegrity gives, either suite
SIGNATURE_MISMATCH = "proof.signature-mismatch"  # vc.codes.ProofCode.SIGNATURE_MISMATCH


def leaf_paths(value, path=()):
    """Every path to a scalar in a JSON value (for the single-change tamper tests)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaf_paths(v, (*path, i))
    else:
        yield path


def failed_checks(checks) -> dict[str, str]:
    """The failed checks by id, with what they found (the finding's code, params and detail,
    `vc.checks.Check.technical`): of `vc.verify`'s result, of a verifier report, or of either's
    JSON. A tamper test asserts WHICH check caught the change, and with which code."""
    failed = {}
    for c in checks:
        if isinstance(c, dict):
            found = Check(c["id"], c["outcome"], Finding.from_json(c))
            check_id, outcome, reason = c["id"], c["outcome"], found.technical
        else:
            check = getattr(c, "check", c)  # a verifier's ReportedCheck wraps a vc Check
            check_id, outcome, reason = check.id, check.outcome, check.technical
        if str(outcome) == "failed":
            failed[check_id] = reason
    return failed
