"""Reading verification results in tests: which check failed, and why."""

# the reason vc._internal.dataintegrity gives, either suite
SIGNATURE_MISMATCH = "does not match the document"


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
    """The failed checks by id, with their reasons: of `vc.verify`'s result, of a verifier
    report, or of either's JSON. A tamper test asserts WHICH check caught the change."""
    failed = {}
    for c in checks:
        if isinstance(c, dict):
            check_id, outcome, reason = c["id"], c["outcome"], c["reason"]
        else:
            check = getattr(c, "check", c)  # a verifier's ReportedCheck wraps a vc Check
            check_id, outcome, reason = check.id, check.outcome, check.reason
        if str(outcome) == "failed":
            failed[check_id] = reason
    return failed
