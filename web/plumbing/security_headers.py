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
    defaults = [("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "no-referrer")]
    if public_url.startswith("https://"):
        defaults.append(("Strict-Transport-Security", HSTS))

    @app.after_request
    def _headers(response: Response) -> Response:
        # each one unless the view set its own; one pass over the headers (werkzeug's
        # setdefault raises and catches a KeyError for every missing name)
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        return response
