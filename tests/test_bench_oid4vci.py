"""The OpenID4VCI issuing benchmark (`s4c bench`: oid4vci_issue_per_s) counts only flows
that really ended in an SD-JWT VC bound to the flow's own key, and each one it counts is a
copy the server recorded."""
import base64
import json

import pytest

from tools import bench
from tools.bench_oid4vci import FlowError, _checked_sd_jwt, _Key


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _response(header: dict, payload: dict, tail: str = "~disclosure~") -> dict:
    return {"credentials": [{"credential": f"{_b64(header)}.{_b64(payload)}.sig{tail}"}]}


def test_a_response_counts_only_when_it_is_an_sd_jwt_vc_bound_to_the_flow_key():
    holder, other = _Key(), _Key()
    bound = {"cnf": {"jwk": holder.jwk}}
    typ = {"typ": "dc+sd-jwt", "alg": "ES256"}
    assert _checked_sd_jwt(_response(typ, bound), holder.jwk)
    for wrong in (_response(typ, {"cnf": {"jwk": other.jwk}}),  # another key's credential
                  _response({"typ": "JWT", "alg": "ES256"}, bound),  # not an SD-JWT VC
                  _response(typ, bound, tail=""),  # a plain JWT, no SD-JWT separator
                  {"credentials": []}, {"credentials": [{"credential": {"@context": []}}]},
                  {"error": "invalid_proof"}):
        with pytest.raises(FlowError):
            _checked_sd_jwt(wrong, holder.jwk)


def test_s4c_bench_reports_oid4vci_flows_that_the_server_recorded():
    results = bench.run(n=5, budget=0.3, batch_candidates=0, api_seconds=0,
                        oid4vci_seconds=2)
    assert results["oid4vci_issue_per_s"] > 0
    assert results["oid4vci_flows"] >= 1
    # every counted flow is a copy in the issuer's database (and nothing more was issued)
    assert results["oid4vci_copies_recorded"] == results["oid4vci_flows"]
    assert results["oid4vci_sample_verified"] is True  # an SD-JWT VC of this issuer's chain
    assert 0 < results["oid4vci_issue_p50_ms"] <= results["oid4vci_issue_p99_ms"]
    assert results["oid4vci_client_processes"] >= 1
    json.dumps(results)  # what `s4c bench --json` prints
