"""The RFC 3161 client takes a token only when it is granted for the imprint and the nonce it
asked for (RFC 3161 §2.4.2); anything else is a clear TimeStampError, never a token."""
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
