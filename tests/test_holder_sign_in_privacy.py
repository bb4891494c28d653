"""Asking for a holder sign-in link tells nobody who is certified.

The page answers a holder's address and a stranger's with the same bytes, with the mail
server up or down, because a job on the real queue (Huey, the embedded SQLite broker of the
data directory) looks the holder up and sends the e-mail to a real local SMTP server
(aiosmtpd). The limits per client address and per e-mail address are counted in the
database, so they hold across two app instances on one database (SQLite, and PostgreSQL when
it is installed). An anonymous request stores nothing: not even the language it asked in.
Timing is not asserted here (a test must not depend on the machine's speed): it is measured
by tools/sign_in_timing.py.
"""
import email
import email.policy
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from job_workers import worker
from sqlalchemy import select

from issuer import sign_in_limits
from issuer.audit import AuditEvent
from issuer.demo import seed_demo
from issuer.holder_sign_in import choose_language, find_holder
from issuer.models import Candidate
from tools import throwaway
from web.app import create_app
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.job_queue import JobQueue
from web.wiring.services import EXTENSION_KEY
from web.wiring.settings import Settings

LINK = re.compile(r"https?://\S+/holder/sign-in/[A-Za-z0-9_-]{40,}")
STRANGER = "nobody-here@example.org"


class Inbox:
    """aiosmtpd's handler: every message received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.arrived:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1,
                 process: subprocess.Popen | None = None) -> email.message.EmailMessage:
        """The `count`th message to `address`, once it has arrived (failing at once when the
        worker that should send it has exited)."""
        deadline = time.monotonic() + 60
        with self.arrived:
            while len(self.to(address)) < count:
                assert process is None or process.poll() is None, "the worker exited"
                assert time.monotonic() < deadline, f"no e-mail {count} to {address}"
                self.arrived.wait(0.5)  # woken by each message; the timeout only looks
                # at the worker again
            return self.to(address)[count - 1]


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=throwaway.free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


ENVIRON = {"S4C_PUBLIC_URL": "https://certify.example.eu",
           "S4C_KEY_PASSPHRASE": "sign-in privacy passphrase",
           "S4C_MAIL_FROM": "certification@demo.example.org"}


def _settings(data_dir: Path, smtp_port: int, database_url: str | None = None) -> Settings:
    environ = {**ENVIRON, "S4C_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
    if database_url:
        environ["DATABASE_URL"] = database_url
    return Settings.from_environment(data_dir, environ=environ)


@dataclass
class Deployment:
    settings: Settings  # mail up
    instances: tuple[Flask, Flask]  # two apps on one database (as two machines would be)
    mail_down: Flask  # an instance whose SMTP server does not answer


def _deployment(data_dir: Path, smtp_port: int, database_url: str | None = None) -> Deployment:
    settings = _settings(data_dir, smtp_port, database_url)
    prepare_data_dir(settings)
    seed_demo(issuer_service(settings))
    down = replace(settings, smtp_url=f"smtp://127.0.0.1:{throwaway.free_port()}")
    return Deployment(settings, (create_app(settings), create_app(settings)), create_app(down))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, inbox) -> Deployment:
    return _deployment(tmp_path_factory.mktemp("sign-in") / "data", inbox[1])


@pytest.fixture(scope="module")
def postgres_deployment(tmp_path_factory, inbox) -> Iterator[Deployment]:
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url:
        yield _deployment(tmp_path_factory.mktemp("sign-in-pg") / "data", inbox[1], url)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request) -> Deployment:
    name = "deployment" if request.param == "sqlite" else "postgres_deployment"
    return request.getfixturevalue(name)


def _queue(app: Flask) -> JobQueue:
    return app.extensions[EXTENSION_KEY].jobs


def _run_queued(app: Flask) -> list:
    """Runs every task waiting on the app's queue, as a worker would; returns their
    outcomes (a task not due yet, a retry, goes to the schedule and has none)."""
    queue = _queue(app)
    outcomes = []
    while (task := queue.huey.dequeue()) is not None:
        if (outcome := queue.huey.execute(task)) is not None:
            outcomes.append(outcome)
    return outcomes


def _run_retries(app: Flask) -> list:
    """Runs the scheduled retries now, as the worker will when they are due."""
    queue = _queue(app)
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=2)  # Huey's UTC: naive
    return [queue.huey.execute(task, later) for task in queue.huey.read_schedule(later)]


def _client(app: Flask, client_address: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = client_address
    form = client.get("/holder/sign-in").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)


def _ask(client: FlaskClient, csrf: str, address: str, query: str = "", **headers):
    return client.post(f"/holder/sign-in{query}", data={"email": address, "csrf_token": csrf},
                       headers=headers)


def _answer(response) -> tuple:
    """What a requester sees: status, body and every header but the date."""
    return (response.status_code, response.get_data(),
            tuple(sorted((k, v) for k, v in response.headers.items() if k != "Date")))


def _holder(settings: Settings, name: str, language: str | None = None) -> str:
    """A new candidate of its own (so that each test has its own per-address count)."""
    address = f"{name}@example.org"
    service = issuer_service(settings)
    service.add_candidate(f"{name.title()} (TEST)", address, None, "test")
    if language is not None:
        with service.sessions() as s:
            holder = find_holder(s, address)
        choose_language(service.sessions, holder, language)
    return address


def _stored_language(settings: Settings, address: str) -> str | None:
    with issuer_service(settings).sessions() as s:
        return s.scalar(select(Candidate.language).where(Candidate.email == address))


@pytest.mark.parametrize("mail", ["up", "down"])
def test_a_holder_and_a_stranger_get_the_same_bytes_with_the_mail_server_up_or_down(
        deployment, inbox, mail):
    messages, _port = inbox
    app = deployment.instances[0] if mail == "up" else deployment.mail_down
    holder = _holder(deployment.settings, f"same-bytes-{mail}")
    client, csrf = _client(app, f"192.0.2.{10 if mail == 'up' else 11}")
    for_holder = _ask(client, csrf, holder)
    for_stranger = _ask(client, csrf, STRANGER)
    assert _answer(for_holder) == _answer(for_stranger)
    assert for_holder.status_code == 200
    assert "Set-Cookie" not in for_holder.headers  # nothing about the request is kept
    assert _run_queued(app) == (["sent", "no holder"] if mail == "up"
                                else ["retry", "no holder"])
    if mail == "up":
        assert messages.wait_for(holder)["Content-Language"] == "en"
        return
    assert messages.to(holder) == []
    # the job tries again later, when the server is back, without counting a second request
    assert _run_retries(deployment.instances[0]) == ["sent"]
    assert LINK.search(messages.wait_for(holder).get_content())
    assert messages.to(STRANGER) == []


def test_the_holder_receives_a_working_link_from_a_real_worker(deployment, inbox):
    messages, port = inbox
    holder = _holder(deployment.settings, "through-the-worker")
    client, csrf = _client(deployment.instances[1], "192.0.2.20")
    assert _ask(client, csrf, STRANGER).status_code == 200
    assert _ask(client, csrf, holder).status_code == 200
    env = {**os.environ, **ENVIRON, "S4C_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    with worker(deployment.settings, env=env) as process:  # `s4c worker`, as `make run`
        message = messages.wait_for(holder, process=process)
    assert messages.to(STRANGER) == []  # its task ran first (one worker, in order)
    link = LINK.search(message.get_content()).group(0)
    holder_browser = deployment.instances[0].test_client()
    signed_in = holder_browser.get(link.removeprefix("https://certify.example.eu"))
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/holder/")
    assert "Through-The-Worker (TEST)" in holder_browser.get("/holder/").get_data(as_text=True)


def test_the_client_address_limit_holds_across_two_instances_at_once(shared):
    one, two = shared.instances
    limit = sign_in_limits.REQUESTS_PER_CLIENT

    def ask(i: int) -> int:  # each request its own browser, through either instance
        client, csrf = _client((one, two)[i % 2], "198.51.100.7")
        return _ask(client, csrf, f"stranger-{i}@example.org").status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(ask, range(limit + 6)))
    assert sorted(statuses) == [200] * limit + [429] * 6
    # once over, the same answer for a holder and a stranger, from either instance
    for app in (one, two):
        client, csrf = _client(app, "198.51.100.7")
        for_holder = _ask(client, csrf, "maria-ivanova@example.org")
        for_stranger = _ask(client, csrf, STRANGER)
        assert for_holder.status_code == 429
        assert for_holder.get_data() == for_stranger.get_data()
        waits = [int(r.headers["Retry-After"]) for r in (for_holder, for_stranger)]
        assert 0 < waits[0] <= 15 * 60 and abs(waits[0] - waits[1]) <= 1
    # another client is not held back by this one
    other, csrf = _client(two, "198.51.100.8")
    assert _ask(other, csrf, STRANGER).status_code == 200
    assert len(_run_queued(one)) == limit + 1


def test_the_address_limit_holds_across_two_instances_and_tells_nothing(shared, inbox):
    messages, _port = inbox
    backend = shared.settings.database_url.split(":")[0]
    holder = _holder(shared.settings, f"limited-{backend}")
    stranger = f"limited-stranger-{backend}@example.org"
    one, two = shared.instances
    for i in range(8):  # from eight client addresses, through both instances
        client, csrf = _client((one, two)[i % 2], f"203.0.113.{i + 1}")
        for_holder = _ask(client, csrf, holder)
        assert for_holder.status_code == 200  # also over the address's limit
        assert _answer(for_holder) == _answer(_ask(client, csrf, stranger))
    outcomes: list = []
    runners = [threading.Thread(target=lambda app=app: outcomes.extend(_run_queued(app)))
               for app in (one, two)]  # both instances' workers at once
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    limit = sign_in_limits.LINKS_PER_ADDRESS
    assert sorted(outcomes) == sorted(["limited"] * 2 * (8 - limit) + ["no holder"] * limit
                                      + ["sent"] * limit)
    messages.wait_for(holder, limit)
    assert len(messages.to(holder)) == limit


def test_an_anonymous_request_in_another_language_stores_nothing(deployment, inbox):
    messages, _port = inbox
    settings = deployment.settings
    chosen = _holder(settings, "speaks-bulgarian", language="bg")
    unset = _holder(settings, "never-chose")
    client, csrf = _client(deployment.instances[0], "192.0.2.30")
    assert _ask(client, csrf, chosen, "?lang=el", **{"Accept-Language": "el"}).status_code \
        == 200
    assert _ask(client, csrf, unset, "?lang=de").status_code == 200
    assert (_stored_language(settings, chosen), _stored_language(settings, unset)) == ("bg", None)
    assert _run_queued(deployment.instances[0]) == ["sent", "sent"]
    assert messages.wait_for(chosen)["Content-Language"] == "bg"  # the holder's own choice
    assert messages.wait_for(unset)["Content-Language"] == "de"  # the page's, this once
    assert _stored_language(settings, chosen) == "bg"
    assert _stored_language(settings, unset) is None


def test_only_the_signed_in_holder_changes_the_language_of_their_e_mails(deployment):
    settings = deployment.settings
    app = deployment.instances[0]
    address = _holder(settings, "chooses-romanian", language="bg")
    anonymous, csrf = _client(app, "192.0.2.40")
    refused = anonymous.post("/holder/language", data={"lang": "el", "csrf_token": csrf})
    assert refused.status_code == 302 and "/holder/sign-in" in refused.headers["Location"]
    assert _stored_language(settings, address) == "bg"
    service = issuer_service(settings)
    from issuer.holder_sign_in import make_link

    with service.sessions.begin() as s:
        token = make_link(s, find_holder(s, address), "test", datetime.now(UTC))
    holder = app.test_client()
    holder.get(f"/holder/sign-in/{token}")
    page = holder.get("/holder/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert holder.post("/holder/language", data={"lang": "xx", "csrf_token": csrf}) \
        .status_code == 400
    assert holder.post("/holder/language", data={"lang": "ro", "csrf_token": csrf}) \
        .status_code == 302
    assert _stored_language(settings, address) == "ro"
    with service.sessions() as s:
        assert s.scalars(select(AuditEvent).where(
            AuditEvent.action == "holder.language.chosen")).first() is not None


def test_a_bad_address_is_refused_before_anything_is_queued(deployment):
    app = deployment.instances[0]
    client, csrf = _client(app, "192.0.2.50")
    for bad in ("no-at-sign", "nul\x00@example.org", "two words@example.org",
                "x" * 250 + "@example.org"):
        assert _ask(client, csrf, bad).status_code == 400
    assert _run_queued(app) == []


def test_a_broker_that_cannot_be_reached_is_the_same_503_for_everyone(deployment):
    unreachable = replace(deployment.settings,
                          broker_url=f"redis://127.0.0.1:{throwaway.free_port()}/0")
    app = create_app(unreachable)
    client, csrf = _client(app, "192.0.2.60")
    for_holder = _ask(client, csrf, "maria-ivanova@example.org")
    for_stranger = _ask(client, csrf, STRANGER)
    assert for_holder.status_code == 503 and for_holder.headers["Retry-After"]
    assert _answer(for_holder) == _answer(for_stranger)
    assert _run_queued(deployment.instances[0]) == []


def test_the_sign_in_job_runs_on_a_redis_broker_too(deployment, inbox):
    """Production's broker (S4C_BROKER_URL): the task is queued and run there as well."""
    if not throwaway.redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (make test installs it)")
        pytest.skip("redis-server is not installed")
    messages, _port = inbox
    holder = _holder(deployment.settings, "on-redis")
    with throwaway.redis() as broker_url:
        app = create_app(replace(deployment.settings, broker_url=broker_url))
        client, csrf = _client(app, "192.0.2.70")
        assert _ask(client, csrf, holder).status_code == 200
        assert _run_queued(app) == ["sent"]
    assert LINK.search(messages.wait_for(holder).get_content())


class SlowServer:
    """An SMTP server that keeps the message until the test lets it go."""

    def __init__(self) -> None:
        self.receiving = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.receiving.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 OK"


def test_no_database_lock_is_held_while_the_mail_server_answers(deployment):
    """On SQLite one writer holds every other back: a job that kept its transaction open
    while a slow SMTP server answered would make the next request wait, and its time tell
    that the address before was a holder's."""
    slow = SlowServer()
    controller = Controller(slow, hostname="127.0.0.1", port=throwaway.free_port())
    controller.start()
    try:
        app = create_app(replace(deployment.settings,
                                 smtp_url=f"smtp://127.0.0.1:{controller.port}"))
        holder = _holder(deployment.settings, "slow-mail")
        client, csrf = _client(app, "192.0.2.80")
        assert _ask(client, csrf, holder).status_code == 200
        outcomes: list = []
        job = threading.Thread(target=lambda: outcomes.extend(_run_queued(app)))
        job.start()
        assert slow.receiving.wait(30)  # the job is in the middle of the SMTP conversation
        answered: list = []
        request = threading.Thread(target=lambda: answered.append(
            _ask(*_client(app, "192.0.2.81"), "slow-stranger@example.org").status_code))
        request.start()
        request.join(10)
        assert answered == [200]  # it wrote its count without waiting for the mail server
        slow.release.set()
        job.join(30)
        assert sorted(outcomes + _run_queued(app)) == ["no holder", "sent"]
    finally:
        slow.release.set()
        controller.stop()
