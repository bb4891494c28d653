"""Response headers that keep browsers from being turned against s4c's users (OWASP
Secure Headers): no inline script, no framing (clickjacking of the console), no MIME
sniffing, no referrer (share links carry a token in their path), HSTS behind https."""
from flask import Flask, Response

# Inline <style> blocks remain in two printable pages; scripts come from this origin only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "media-src 'self' blob: mediastream:; "  # the employer page's camera preview
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def install_security_headers(app: Flask, public_url: str) -> None:
    https = public_url.startswith("https://")

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
