"""How long `POST /holder/sign-in` takes for a holder's address and for a stranger's
: the medians, side by side, so that a difference that tells who is certified
shows up. A measurement, not a test (timings vary from machine to machine).

    PYTHONPATH=. .venv/bin/python tools/sign_in_timing.py [--requests 60] [--mail-down]
        [--no-worker] [--json]

It makes a fresh data directory with the demo's holders, a real local SMTP server
(aiosmtpd, a test dependency) or, with --mail-down, a port where none listens, and a real
`s4c worker` beside the app (as `make run` starts one), then asks for sign-in links in a
random order of holders and strangers, each request from its own client address (so the
per-client limit is not what is measured), through the app in this process.
"""
import argparse
import json
import os
import random
import re
import socket
import statistics
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from issuer.demo import seed_demo
from web.app import create_app
from web.cli.context import issuer_service
from web.cli.job_commands import start_worker_process, stop_worker_process
from web.wiring.datadir import prepare_data_dir
from web.wiring.services import EXTENSION_KEY
from web.wiring.settings import Settings

HOLDERS = ["maria-ivanova@example.org", "andrei-popescu@example.org"]
WARM_UP = 6


class _Sink:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for it
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(requests: int, mail_down: bool, worker: bool) -> dict:
    sink = _Sink()
    controller = None
    port = _free_port()
    if not mail_down:
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="s4c-sign-in-") as tmp:
            environ = {"S4C_PUBLIC_URL": "https://certify.example.eu",
                       "S4C_KEY_PASSPHRASE": "sign-in timing passphrase",
                       "S4C_SMTP_URL": f"smtp://127.0.0.1:{port}",
                       "S4C_MAIL_FROM": "certification@demo.example.org"}
            settings = Settings.from_environment(Path(tmp) / "data", environ=environ)
            prepare_data_dir(settings)
            seed_demo(issuer_service(settings))
            process = start_worker_process(settings, 1, env={**os.environ, **environ},
                                           resume=False) if worker else None
            try:
                return _time_requests(settings, requests, worker) | {
                    "mail": "down" if mail_down else "up", "worker": worker,
                    "mails_received": sink.received}
            finally:
                if process is not None:
                    stop_worker_process(process)
    finally:
        if controller is not None:
            controller.stop()


def _time_requests(settings: Settings, requests: int, worker: bool) -> dict:
    app = create_app(settings)
    client = app.test_client()
    form = client.get("/holder/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if csrf is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    kinds = ["holder", "stranger"] * (requests // 2 + WARM_UP)
    random.Random(21).shuffle(kinds)  # noqa: S311 - an order, not a secret
    times: dict[str, list[float]] = {"holder": [], "stranger": []}
    statuses: dict[str, set[int]] = {"holder": set(), "stranger": set()}
    for i, kind in enumerate(kinds):
        address = HOLDERS[i % len(HOLDERS)] if kind == "holder" \
            else f"stranger-{i}@example.org"
        started = time.perf_counter()
        response = client.post("/holder/sign-in", data={"email": address, "csrf_token":
                                                        csrf.group(1)},
                               environ_base={"REMOTE_ADDR": f"10.21.{i // 250}.{i % 250 + 1}"})
        elapsed = time.perf_counter() - started
        if i == 2 * WARM_UP - 1 and worker:
            _wait_until_taken(app)  # the worker is up and working beside the app
        if i >= 2 * WARM_UP:
            times[kind].append(elapsed * 1000)
            statuses[kind].add(response.status_code)
    return {f"{kind}_median_ms": round(statistics.median(t), 2) for kind, t in times.items()} \
        | {f"{kind}_p90_ms": round(statistics.quantiles(t, n=10)[-1], 2)
           for kind, t in times.items()} \
        | {f"{kind}_statuses": sorted(s) for kind, s in statuses.items()} \
        | {"requests_each": len(times["holder"])}


def _wait_until_taken(app, seconds: float = 120) -> None:
    """Until the worker has taken every queued task (its start takes a few seconds)."""
    queue = app.extensions[EXTENSION_KEY].jobs
    deadline = time.monotonic() + seconds
    while queue.huey.pending_count():
        if time.monotonic() > deadline:
            raise RuntimeError("the worker took no task")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60,
                        help="requests measured, half holders and half strangers")
    parser.add_argument("--mail-down", action="store_true",
                        help="point S4C_SMTP_URL at a port where no server listens")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not start an `s4c worker` beside the app")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results = measure(max(args.requests, 4), args.mail_down, not args.no_worker)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:20} {value}")


if __name__ == "__main__":
    main()
