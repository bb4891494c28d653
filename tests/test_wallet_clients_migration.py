"""Revision i0010 on a database that already holds wallet traffic: a request
pushed and an authorization code issued before it came from clients nobody authenticated,
so the upgrade retires them (and nothing else); the schema then matches the models, and the
downgrade and a second upgrade run. `check_wallet_clients_migration` also runs on
PostgreSQL (`test_postgres.py`)."""
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, insert, inspect
from sqlalchemy.orm import sessionmaker

from issuer.models import WalletAuthorizationRequest, WalletGrant
from issuer.records import as_utc
from web.wiring.db import downgrade, make_engine, upgrade
from web.wiring.models import SERVICE_METADATA

LATER = datetime.now(UTC) + timedelta(hours=1)


def _seed_before_i0010(connection) -> None:
    def table(name: str) -> Table:
        return Table(name, MetaData(), autoload_with=connection)

    connection.execute(insert(table("issuer_candidates")).values(
        id=1, ref="cand-1", name="Ana", email="ana@example.org", salt="s",
        created_at=datetime.now(UTC)))
    connection.execute(insert(table("issuer_wallet_requests")).values(
        id="pushed-by-anyone", client_id="attacker-wallet",
        parameters={"redirect_uri": "javascript:alert(1)"}, created_at=datetime.now(UTC),
        expires_at=LATER))
    grants = table("issuer_wallet_grants")
    common = {"candidate_id": 1, "offered": {"SCPM-sd_jwt": "urn:uuid:c1"},
              "created_by": "holder", "created_at": datetime.now(UTC), "expires_at": LATER,
              "failed_attempts": 0}
    connection.execute(insert(grants).values(
        id="code-for-anyone", code_hash="h1", flow="authorization-code",
        pkce_challenge="c", redirect_uri="https://attacker.example/cb",
        client_id="attacker-wallet", **common))
    connection.execute(insert(grants).values(id="pre-authorized-offer", code_hash="h2",
                                             flow="pre-authorized", **common))


def check_wallet_clients_migration(url: str) -> None:
    upgrade(url, "i0009")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _seed_before_i0010(connection)
        upgrade(url)
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection),
                                    SERVICE_METADATA) == []
        now = datetime.now(UTC)
        with sessionmaker(engine)() as s:
            pushed = s.get(WalletAuthorizationRequest, "pushed-by-anyone")
            assert pushed is not None and pushed.used_at is not None  # never shown
            assert pushed.client_name is None
            code = s.get(WalletGrant, "code-for-anyone")
            assert code is not None and as_utc(code.expires_at) <= now  # never redeemed
            offer = s.get(WalletGrant, "pre-authorized-offer")
            assert offer is not None and as_utc(offer.expires_at) > now  # untouched
        downgrade(url, "i0009")
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert "issuer_wallet_clients" not in tables
            assert "client_key" not in {c["name"] for c in inspect(connection).get_columns(
                "issuer_wallet_grants")}
        upgrade(url)
    finally:
        engine.dispose()


def test_the_upgrade_retires_unauthenticated_requests_and_codes_on_sqlite(tmp_path):
    check_wallet_clients_migration(f"sqlite:///{tmp_path / 's4c.db'}")
