"""`s4c status check [--repair]`: a published bit that disagrees with the
issuer's records (what a lost update left behind) is found, and repaired with an audit row."""
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from issuer.audit import AuditEvent
from issuer.models import StatusList
from vc.statuslist import Bitstring
from web.cli import main
from web.cli.context import issuer_service
from web.wiring.settings import Settings

ENV = {"S4C_KEY_PASSPHRASE": "status check passphrase", "S4C_PUBLIC_URL":
       "https://certify.example.eu"}


def _run(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data), *args], env=ENV)


def test_a_lost_revocation_bit_is_found_and_repaired(tmp_path: Path):
    data = tmp_path / "data"
    assert _run(data, "init").exit_code == 0
    assert _run(data, "demo").exit_code == 0
    clean = _run(data, "status", "check")
    assert clean.exit_code == 0 and "matches" in clean.output
    service = issuer_service(Settings.from_environment(data, environ=ENV))
    revoked = next(c for c in service.credentials(limit=100) if c.revoked)
    with service.sessions.begin() as s:  # what a lost update left behind: the bit is 0
        row = s.scalars(select(StatusList).where(
            StatusList.purpose == "revocation",
            StatusList.number == revoked.revocation_list)).one()
        bits = Bitstring.from_bytes(row.bits)
        bits.set(revoked.revocation_index, False)
        row.bits = bits.to_bytes()
    found = _run(data, "status", "check")
    assert found.exit_code == 1
    assert f"{revoked.id}: recorded revoked, but the revocation list" in found.output
    repaired = _run(data, "status", "check", "--repair", "--actor", "officer-1")
    assert repaired.exit_code == 0 and "repaired:" in repaired.output
    assert _run(data, "status", "check").exit_code == 0
    listed = service.status_list_credential("revocation", revoked.revocation_list)
    assert Bitstring.decode(listed["credentialSubject"]["encodedList"]).get(
        revoked.revocation_index)
    with service.sessions() as s:
        event = s.scalars(select(AuditEvent).where(
            AuditEvent.action == "credential.status.repaired")).one()
    assert event.subject == revoked.id and event.actor == "officer-1"
