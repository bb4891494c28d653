"""`s4c bench --json` reports edc_shacl_ms, the SHACL validation time per EDC, from EDCs of every role and unit that conform."""
import json

from click.testing import CliRunner

from tools.bench_edc import sample_edcs
from web.cli import main


def test_the_bench_edcs_cover_every_role_and_unit():
    edcs = sample_edcs()
    assert len(edcs) == 15
    assert len({e["credentialSubject"]["hasClaim"]["specifiedBy"]["id"] for e in edcs}) == 15


def test_s4c_bench_json_reports_the_edc_shacl_time(tmp_path):
    result = CliRunner().invoke(main, [
        "--data-dir", str(tmp_path / "data"), "bench", "--json", "-n", "3", "--budget", "0.3",
        "--batch-candidates", "0", "--api-seconds", "0", "--oid4vci-seconds", "0"],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)
    assert results["edc_shacl_ms"] > 0 and results["edc_shacl_role_ms"] >= \
        results["edc_shacl_ms"] * 0.5
    assert results["edc_role_bytes"] > 10_000
