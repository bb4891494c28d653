"""A local RFC 3161 time-stamping authority for the tests, served over HTTP on 127.0.0.1 (RFC
3161 §3.4: POST application/timestamp-query, answer application/timestamp-reply), signing with
pyhanko's responder and a DEMO TSA certificate. The seal under test asks it as it asks a real
TSA (S4C_TSA_URL), so the time-stamp travels over the network path production uses."""
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import tsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

MAX_QUERY_BYTES = 16 * 1024


@contextmanager
def local_tsa(responder: DummyTimeStamper) -> Iterator[str]:
    """Serves `responder` at http://127.0.0.1:<port>/tsa; yields that URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            if self.headers.get("Content-Type") != "application/timestamp-query" \
                    or not 0 < length <= MAX_QUERY_BYTES:
                self.send_error(400)
                return
            query = tsp.TimeStampReq.load(self.rfile.read(length))
            reply = responder.request_tsa_response(query).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
