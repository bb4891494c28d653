"""The RFC 3161 client takes a token only when it is granted for the imprint and the nonce it
asked for (RFC 3161 §2.4.2); anything else is a clear TimeStampError, never a token."""
import base64
import contextlib
import random
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from asn1crypto import tsp
from seal_fixtures import openssl_ts_verify

from vc.timestamps import (
    HttpTimeStamper,
    TimeStampError,
    check_reply,
    imprint_of,
    make_request,
    token_info,
)
from vc.tsa import TimeStampAuthority, make_demo_tsa, serve_tsa
from web.wiring.settings import Settings


class ReplayingTsa(TimeStampAuthority):
    """Answers every request with its reply to the first one (a replayed reply)."""

    first: bytes | None = None

    def respond(self, request_der: bytes) -> bytes:
        self.first = self.first or request_der
        return super().respond(self.first)


class OtherDataTsa(TimeStampAuthority):
    """Stamps another imprint than the one asked for, with the request's nonce."""

    def respond(self, request_der: bytes) -> bytes:
        request = tsp.TimeStampReq.load(request_der)
        forged = make_request(imprint_of(b"something else"), request["nonce"].native)
        return super().respond(forged)


def _tsa(cls):
    authority, ca = make_demo_tsa()
    return cls(authority._key, _certificate(authority)), ca


def _certificate(authority: TimeStampAuthority):
    from cryptography import x509

    return x509.load_der_x509_certificate(authority.certificate_der)


def test_a_token_is_for_the_data_and_verifies_with_openssl(tmp_path):
    authority, ca = make_demo_tsa()
    with serve_tsa(authority) as url:
        stamper = HttpTimeStamper(url)
        tokens = [stamper.stamp(b"seal %d" % i) for i in range(3)]  # one kept-alive connection
    for i, token in enumerate(tokens):
        assert token_info(token)["message_imprint"]["hashed_message"].native == \
            imprint_of(b"seal %d" % i)
        result = openssl_ts_verify(token, b"seal %d" % i, ca, tmp_path)
        assert result.returncode == 0, result.stderr


def test_a_replayed_reply_is_refused():
    authority, _ = _tsa(ReplayingTsa)
    with serve_tsa(authority) as url:
        stamper = HttpTimeStamper(url)
        stamper.stamp(b"first")
        with pytest.raises(TimeStampError, match="nonce|imprint"):
            stamper.stamp(b"first")  # same data: only the nonce tells the replay apart


def test_a_token_for_other_data_is_refused():
    authority, _ = _tsa(OtherDataTsa)
    with serve_tsa(authority) as url, pytest.raises(TimeStampError, match="imprint"):
        HttpTimeStamper(url).stamp(b"ours")


def test_a_rejection_is_reported_with_its_reason():
    authority, _ = make_demo_tsa()
    reply = authority.respond(b"\x30\x03\x02\x01\x01")  # a SEQUENCE that is no TimeStampReq
    with pytest.raises(TimeStampError, match="refused the time-stamp .rejection: not a "
                                             "TimeStampReq, .'bad_request'.."):
        check_reply(reply, imprint_of(b"x"), 1)


def test_an_unreachable_tsa_is_a_clear_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TimeStampError, match="cannot be reached"):
        HttpTimeStamper(f"http://127.0.0.1:{port}/tsa", timeout=5).stamp(b"x")


def test_an_answer_that_is_not_a_time_stamp_reply_is_refused():
    class Html(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b"<html>proxy login</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Html)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(TimeStampError, match="text/html"):
            HttpTimeStamper(f"http://127.0.0.1:{server.server_address[1]}/").stamp(b"x")
    finally:
        server.shutdown()
        server.server_close()


def test_the_tsa_url_must_be_http():
    with pytest.raises(ValueError, match="http"):
        HttpTimeStamper("file:///etc/passwd")


def _damaged(data: bytes, rnd: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
    return bytes(damaged)


def test_damaged_requests_and_replies_are_refused_never_a_crash():
    """Bytes from the network, changed at random (a fixed seed): the TSA answers every
    request with a reply, and the client turns every bad reply into a TimeStampError."""
    authority, _ = make_demo_tsa()
    digest = imprint_of(b"x")
    request = make_request(digest, 5)
    reply = authority.respond(request)
    rnd = random.Random(25)
    for _ in range(400):
        for answer in (authority.respond(_damaged(request, rnd)), _damaged(reply, rnd)):
            with contextlib.suppress(TimeStampError):  # a refusal: the outcome expected
                check_reply(answer, digest, 5)
    for junk in (b"", b"\x30", b"\x30\x00", bytes(range(64))):
        with pytest.raises(TimeStampError):
            check_reply(junk, digest, 5)
        with pytest.raises(TimeStampError, match="rejection"):
            check_reply(authority.respond(junk), digest, 5)


def test_a_request_the_tsa_cannot_honour_is_rejected_with_its_reason():
    authority, _ = make_demo_tsa()
    digest = imprint_of(b"x")
    base = {"version": "v1", "nonce": 7, "cert_req": True,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                                "hashed_message": digest}}
    cases = {
        "unaccepted_policy": {**base, "req_policy": "1.2.3.4"},
        "unaccepted_extensions": {**base, "extensions": [
            {"extn_id": "1.2.3.5", "critical": True, "extn_value": b"\x05\x00"}]},
        "bad_alg": {**base, "message_imprint": {"hash_algorithm": {"algorithm": "sha1"},
                                                "hashed_message": digest[:20]}},
    }
    for failure, request in cases.items():
        with pytest.raises(TimeStampError, match=failure):
            check_reply(authority.respond(tsp.TimeStampReq(request).dump()), digest, 7)


def test_a_tsa_that_asks_for_a_password_gets_it_and_it_is_never_shown():
    """Commercial TSAs ask for HTTP Basic authentication: the URL's user and password are
    sent (RFC 7617), and neither error messages nor the summary show the password."""
    authority, _ = make_demo_tsa()

    class Guarded(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "Basic " + base64.b64encode(b"body:s3cr%t p").decode()
            ok = self.headers.get("Authorization") == expected
            answer = authority.respond(body) if ok else b""
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Guarded)
    Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        assert HttpTimeStamper(f"http://body:s3cr%25t%20p@127.0.0.1:{port}/tsa").stamp(b"x")
        wrong = HttpTimeStamper(f"http://body:not-it@127.0.0.1:{port}/tsa")
        with pytest.raises(TimeStampError, match="HTTP 401") as refused:
            wrong.stamp(b"x")
        assert "not-it" not in str(refused.value) and "not-it" not in repr(wrong)
    finally:
        server.shutdown()
        server.server_close()
    settings = Settings.from_environment(Path("/nonexistent"), environ={
        "S4C_TSA_URL": "https://body:s3cret@tsa.example.eu/tsr"})
    assert settings.tsa_url_for_display == "https://body:***@tsa.example.eu/tsr"
    assert "s3cret" not in repr(settings)
