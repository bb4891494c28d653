"""Share links: the console lists a credential's links with their use
counts, sets their expiry (one year unless the officer picks a date) and withdraws them; the
printable certificate reuses the credential's current link in every session."""
import hashlib
import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import test_issuer_web_api as api_tests
import test_issuer_web_console as console_tests
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import DateTime, Text, column, select, table, update

from issuer.audit import AuditEvent
from issuer.models import ShareLink
from web.app import create_app
from web.cli import main
from web.wiring.db import downgrade, make_engine, upgrade

# The console tests' fixtures and helpers (a real data directory with SQLite, real logins).
settings, app, client, service = api_tests.settings, api_tests.app, api_tests.client, \
    api_tests.service
officer, logged_in = console_tests.officer, console_tests.logged_in
_login, _post, _qr_link = console_tests._login, console_tests._post, console_tests._qr_link
_certified_candidate, _role_id = console_tests._certified_candidate, console_tests._role_id

PUBLIC = "http://127.0.0.1:8000/v/"
PROBLEM = "application/problem+json"
WITHDRAW_FORM = re.compile(r'name="link" value="([0-9a-f]+)"')
TODAY = datetime.now(UTC).date()  # the server's "today" is a UTC date


@pytest.fixture
def credential_id(logged_in: FlaskClient, service) -> str:
    return _role_id(service, _certified_candidate(logged_in, service))


def _links(service, credential_id: str) -> list[ShareLink]:
    """The credential's rows in the share-link table, oldest first."""
    with service.sessions() as s:
        return list(s.scalars(select(ShareLink).where(ShareLink.credential_id == credential_id)
                              .order_by(ShareLink.created_at)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _certificate_link(client: FlaskClient, credential_id: str) -> str:
    response = client.get(f"/credentials/{credential_id}/certificate")
    assert response.status_code == 200
    link = _qr_link(response.get_data(as_text=True))
    assert link.startswith(PUBLIC)
    return link


def _token(link: str) -> str:
    return link.removeprefix(PUBLIC)


def _console(client: FlaskClient, credential_id: str) -> str:
    return client.get(f"/issuer/credentials/{credential_id}").get_data(as_text=True)


def _listed(client: FlaskClient, credential_id: str) -> list[tuple[str, str]]:
    """(link id, row HTML) of each link the console lists for the credential, in order."""
    return re.findall(r'<tr data-link="([0-9a-f]+)">(.*?)</tr>',
                      _console(client, credential_id), re.DOTALL)


def _create(client: FlaskClient, credential_id: str, expires_on: str | None = None):
    page = f"/issuer/credentials/{credential_id}"
    data = {} if expires_on is None else {"expires_on": expires_on}
    return _post(client, page, f"{page}/share", data, follow_redirects=True)


def _withdraw(client: FlaskClient, credential_id: str, link_id: str):
    page = f"/issuer/credentials/{credential_id}"
    return _post(client, page, f"{page}/shares/withdraw", {"link": link_id},
                 follow_redirects=True)


def _fresh_session(app, officer: str) -> FlaskClient:
    other = app.test_client()
    assert _login(other).status_code == 302
    return other


# -- the certificate reuses the current link -----------------------------------------------
def test_the_certificate_shows_the_same_link_in_every_session(app, logged_in, credential_id):
    first = _certificate_link(logged_in, credential_id)
    second = _certificate_link(_fresh_session(app, "olga"), credential_id)
    restarted = create_app(app.extensions["s4c"].settings).test_client()
    assert _login(restarted).status_code == 302
    third = _certificate_link(restarted, credential_id)
    assert first == second == third
    assert len(_links(app.extensions["s4c"].issuer, credential_id)) == 1


def test_the_certificate_prints_the_link_the_officer_made_last(app, logged_in, service,
                                                              credential_id):
    before = _certificate_link(logged_in, credential_id)
    _create(logged_in, credential_id)
    newest = _links(service, credential_id)[-1]
    printed = _certificate_link(_fresh_session(app, "olga"), credential_id)
    assert printed != before
    assert hashlib.sha256(_token(printed).encode()).hexdigest() == newest.token_hash


# -- withdrawing ---------------------------------------------------------------------------
def test_a_withdrawn_link_no_longer_opens_the_credential(logged_in, service, credential_id):
    link = _certificate_link(logged_in, credential_id)
    token = _token(link)
    assert logged_in.get(f"/shares/{token}/credential").status_code == 200
    assert logged_in.get(f"/v/{token}", follow_redirects=True).status_code == 200
    link_id = WITHDRAW_FORM.search(_console(logged_in, credential_id)).group(1)
    html = _withdraw(logged_in, credential_id, link_id).get_data(as_text=True)
    assert "Share link withdrawn" in html
    gone = logged_in.get(f"/shares/{token}/credential")
    assert gone.status_code == 404 and gone.mimetype == PROBLEM
    assert logged_in.get(f"/v/{token}").status_code == 404
    assert _links(service, credential_id)[0].revoked_at is not None
    # the certificate no longer prints the withdrawn link
    assert _certificate_link(logged_in, credential_id) != link


def test_withdrawing_is_audited_and_a_second_withdrawal_says_so(logged_in, service,
                                                                credential_id):
    _create(logged_in, credential_id)
    link_id = WITHDRAW_FORM.search(_console(logged_in, credential_id)).group(1)
    _withdraw(logged_in, credential_id, link_id)
    with service.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.subject == credential_id,
                                                    AuditEvent.action == "share.revoked")).all()
    assert [(e.actor, e.detail) for e in events] == [("olga", {"link": link_id})]
    again = _withdraw(logged_in, credential_id, link_id).get_data(as_text=True)
    assert "already withdrawn" in again
    unknown = _withdraw(logged_in, credential_id, "0" * 32).get_data(as_text=True)
    assert "No such share link" in unknown
    with service.sessions() as s:
        assert len(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "share.revoked")).all()) == 1


def test_a_link_of_another_credential_cannot_be_withdrawn_from_this_page(logged_in, service,
                                                                         credential_id):
    other = next(c.id for c in service.credentials() if c.id != credential_id)
    _create(logged_in, other)
    link_id = WITHDRAW_FORM.search(_console(logged_in, other)).group(1)
    html = _withdraw(logged_in, credential_id, link_id).get_data(as_text=True)
    assert "No such share link" in html
    assert _links(service, other)[0].revoked_at is None


def test_withdrawing_needs_the_csrf_token(logged_in, service, credential_id):
    _create(logged_in, credential_id)
    link_id = _links(service, credential_id)[0].id
    response = logged_in.post(f"/issuer/credentials/{credential_id}/shares/withdraw",
                              data={"link": link_id})
    assert response.status_code == 400
    assert _links(service, credential_id)[0].revoked_at is None


# -- use counts ----------------------------------------------------------------------------
def test_every_opening_of_a_valid_link_is_counted(logged_in, service, credential_id):
    token = _token(_certificate_link(logged_in, credential_id))
    logged_in.get(f"/shares/{token}/credential")
    logged_in.get(f"/shares/{token}/credential")
    logged_in.get(f"/v/{token}")
    assert _links(service, credential_id)[0].uses == 3
    [(_, row)] = _listed(logged_in, credential_id)
    assert '<td class="uses">3</td>' in row
    with service.sessions.begin() as s:  # a withdrawn link's openings are not counted
        s.execute(update(ShareLink).values(revoked_at=datetime.now(UTC)))
    assert logged_in.get(f"/shares/{token}/credential").status_code == 404
    assert _links(service, credential_id)[0].uses == 3


# -- expiry --------------------------------------------------------------------------------
def test_a_new_link_expires_after_one_year_by_default(logged_in, service, credential_id):
    html = _create(logged_in, credential_id).get_data(as_text=True)
    assert "Share link created" in html
    _certificate_link(logged_in, credential_id)  # reuses it
    [link] = _links(service, credential_id)
    created, expires = _aware(link.created_at), _aware(link.expires_at)
    assert abs(expires - created - timedelta(days=365)) < timedelta(minutes=1)
    assert link.created_by == "olga"


def test_a_link_the_certificate_makes_expires_after_one_year_too(logged_in, service,
                                                                credential_id):
    _certificate_link(logged_in, credential_id)
    [link] = _links(service, credential_id)
    assert abs(_aware(link.expires_at) - _aware(link.created_at) - timedelta(days=365)) \
        < timedelta(minutes=1)


def test_the_officer_can_choose_when_a_link_expires(logged_in, service, credential_id):
    day = TODAY + timedelta(days=30)
    _create(logged_in, credential_id, day.isoformat())
    [link] = _links(service, credential_id)
    assert _aware(link.expires_at) == datetime.combine(day, time.min, UTC)
    [(_, row)] = _listed(logged_in, credential_id)
    assert f"{day.isoformat()} 00:00 UTC" in row


@pytest.mark.parametrize("expires_on, message", [
    ((TODAY - timedelta(days=1)).isoformat(), "after today"),
    (TODAY.isoformat(), "after today"),
    ((TODAY + timedelta(days=6 * 366)).isoformat(), "at most five years"),
    ("next spring", "YYYY-MM-DD"),
    ("2026-02-30", "YYYY-MM-DD"),
    ("9" * 2000, "YYYY-MM-DD"),
])
def test_an_expiry_that_is_past_too_far_or_not_a_date_is_refused(logged_in, service,
                                                                 credential_id, expires_on,
                                                                 message):
    html = _create(logged_in, credential_id, expires_on).get_data(as_text=True)
    assert "Share link not created" in html and message in html
    assert _links(service, credential_id) == []
    with service.sessions() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "share.created")
                         ).all() == []


def test_an_expired_link_is_not_found_and_the_certificate_makes_a_new_one(logged_in, service,
                                                                          credential_id):
    link = _certificate_link(logged_in, credential_id)
    token = _token(link)
    with service.sessions.begin() as s:
        s.execute(update(ShareLink).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    gone = logged_in.get(f"/shares/{token}/credential")
    assert gone.status_code == 404 and gone.mimetype == PROBLEM
    assert logged_in.get(f"/v/{token}").status_code == 404
    assert _links(service, credential_id)[0].uses == 0
    [(_, row)] = _listed(logged_in, credential_id)
    assert "<td>expired</td>" in row and "Withdraw" not in row
    assert _certificate_link(logged_in, credential_id) != link


# -- the console's list --------------------------------------------------------------------
def test_the_console_lists_each_link_with_its_dates_uses_and_state(app, logged_in, service,
                                                                   credential_id):
    printed = _certificate_link(logged_in, credential_id)
    _create(_fresh_session(app, "olga"), credential_id,
            (TODAY + timedelta(days=10)).isoformat())
    logged_in.get(f"/shares/{_token(printed)}/credential")
    old, new = _links(service, credential_id)
    _withdraw(logged_in, credential_id, new.id)
    rows = _listed(logged_in, credential_id)
    assert [r[0] for r in rows] == [new.id, old.id]  # newest first
    by_id = dict(rows)
    assert printed in by_id[old.id] and '<td class="uses">1</td>' in by_id[old.id]
    assert "<td>active</td>" in by_id[old.id] and "<td>olga</td>" in by_id[old.id]
    assert "Withdraw" in by_id[old.id]
    assert _aware(old.expires_at).strftime("%Y-%m-%d") in by_id[old.id]
    assert "withdrawn" in by_id[new.id] and '<td class="uses">0</td>' in by_id[new.id]
    assert "Withdraw" not in by_id[new.id]
    response = logged_in.get(f"/issuer/credentials/{credential_id}")
    assert "no-store" in response.headers["Cache-Control"]  # the page shows live links


# -- links made before this change ---------------------------------------------------------
def test_a_link_made_before_the_upgrade_keeps_working_and_can_be_withdrawn(settings, logged_in,
                                                                          service,
                                                                          credential_id):
    downgrade(settings.database_url, "i0002")  # foreign keys off on SQLite, as i0009 needs
    engine = make_engine(settings.database_url)
    try:
        legacy = "legacy-token-made-before-i0003"
        before = table("issuer_share_links", column("token_hash", Text()),
                       column("credential_id", Text()),
                       column("created_at", DateTime(timezone=True)))
        with engine.begin() as connection:  # a row as revision i0002 stored it
            connection.execute(before.insert().values(
                token_hash=hashlib.sha256(legacy.encode()).hexdigest(),
                credential_id=credential_id, created_at=datetime.now(UTC)))
    finally:
        engine.dispose()
    upgrade(settings.database_url)
    assert logged_in.get(f"/shares/{legacy}/credential").status_code == 200
    [link] = _links(service, credential_id)
    assert link.id and link.uses == 1 and link.expires_at is None
    [(listed_id, row)] = _listed(logged_in, credential_id)
    assert listed_id == link.id
    assert "cannot be shown" in row and "<td>never</td>" in row and "<td>—</td>" in row
    # the certificate cannot print a link it cannot show: it makes a new one
    assert _token(_certificate_link(logged_in, credential_id)) != legacy
    _withdraw(logged_in, credential_id, link.id)
    assert logged_in.get(f"/shares/{legacy}/credential").status_code == 404


def test_a_link_made_by_s4c_qr_is_listed_in_the_console(settings, logged_in, service,
                                                       credential_id, tmp_path):
    path = tmp_path / "role.json"
    path.write_text(json.dumps(service.credential(credential_id).document))
    made = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "qr", str(path),
                                     "--mode", "link", "--expires-days", "7",
                                     "-o", str(tmp_path / "link.png")])
    assert made.exit_code == 0, made.output
    printed = next(line for line in made.output.splitlines() if "/v/" in line)
    [(_, row)] = _listed(logged_in, credential_id)
    assert printed.strip() in row and "<td>s4c qr</td>" in row
    [link] = _links(service, credential_id)
    assert abs(_aware(link.expires_at) - _aware(link.created_at) - timedelta(days=7)) \
        < timedelta(minutes=1)
