"""The Flask application factory."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from issuer.shares import lookup_share
from vc.did_web import did_web_has_path
from web.aries_pages import aries_pages
from web.auth import init_auth
from web.cohort_exports import cohort_exports
from web.holder_pages import holder_pages
from web.holder_portal import holder_portal
from web.home import home
from web.i18n import init_i18n
from web.issuer_api import issuer_api
from web.issuer_console import issuer_console
from web.issuer_corrections import issuer_corrections
from web.issuer_outbox import issuer_outbox
from web.oid4vci.authorization import oid4vci_authorization
from web.oid4vci.endpoints import oid4vci
from web.oid4vp.endpoints import oid4vp
from web.problems import register_problem_handlers
from web.registry_admin import registry_admin
from web.registry_api import registry_api
from web.registry_console import registry_console
from web.registry_pages import registry_pages
from web.request_bounds import bound_request_input
from web.security_headers import install_security_headers
from web.services import EXTENSION_KEY
from web.settings import Settings
from web.status_lists import status_lists
from web.vcapi_issuer import vcapi_issuer
from web.verify_api import verify_api
from web.verify_page import verify_page_blueprint
from web.wellknown import did_document, wellknown
from web.wiring import build_services

MAX_REQUEST_BYTES = 1024 * 1024
JSON_PATH_PREFIXES = ("/.well-known/", "/credentials/", "/presentations/", "/status/",
                      "/shares/", "/cohorts", "/assessments", "/oid4vci/", "/oid4vp/")


def create_app(settings: Settings | None = None) -> Flask:
    """The web app of one data directory, which must be initialised (`s4c init`).

    Raises `vc.key_store.KeyStoreError` when the data directory has no issuer key
    passphrase yet, or the key files cannot be used with it.
    """
    settings = settings or Settings.from_environment()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    bound_request_input(app)  # before any route is added
    init_i18n(app)
    services = app.extensions[EXTENSION_KEY] = build_services(app, settings)
    issuer = services.issuer
    app.register_blueprint(home)
    app.register_blueprint(wellknown)
    app.register_blueprint(oid4vci)
    app.register_blueprint(oid4vci_authorization)
    init_auth(app, settings)
    for blueprint in (issuer_console, issuer_corrections, issuer_outbox, cohort_exports,
                      issuer_api, vcapi_issuer, status_lists, holder_pages, holder_portal):
        app.register_blueprint(blueprint)
    app.register_blueprint(verify_api)
    app.register_blueprint(oid4vp)
    app.register_blueprint(aries_pages)
    app.register_blueprint(verify_page_blueprint(
        share_lookup=lambda token: lookup_share(issuer.sessions, token)))
    if did_web_has_path(settings.issuer_did):
        # did:web with a path resolves to <path>/did.json; a proxy strips <path> before us.
        app.add_url_rule("/did.json", "did_json", did_document)
    for blueprint in (registry_api, registry_admin, registry_console, registry_pages):
        app.register_blueprint(blueprint)
    register_problem_handlers(app, JSON_PATH_PREFIXES)
    install_security_headers(app, settings.public_url)
    if settings.trusted_proxies:
        # the client's address and scheme as the trusted proxies report them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)
    return app
