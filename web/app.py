"""The Flask application factory."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from issuer.shares import lookup_share
from vc.did_web import did_web_has_path
from web.employer.page import verify_page_blueprint
from web.employer.verify_api import verify_api
from web.holder.pages import holder_pages
from web.holder.portal import holder_portal
from web.officer.api import issuer_api
from web.officer.aries_pages import aries_pages
from web.officer.cohort_exports import cohort_exports
from web.officer.console import issuer_console
from web.officer.corrections import issuer_corrections
from web.officer.outbox import issuer_outbox
from web.officer.status_lists import status_lists
from web.officer.vcapi_issuer import vcapi_issuer
from web.plumbing.auth import init_auth
from web.plumbing.home import home
from web.plumbing.i18n import init_i18n
from web.plumbing.problems import register_problem_handlers
from web.plumbing.request_bounds import bound_request_input
from web.plumbing.security_headers import install_security_headers
from web.plumbing.wellknown import did_document, wellknown
from web.registry.admin import registry_admin
from web.registry.api import registry_api
from web.registry.console import registry_console
from web.registry.pages import registry_pages
from web.wallet.oid4vci.authorization import oid4vci_authorization
from web.wallet.oid4vci.endpoints import oid4vci
from web.wallet.oid4vp.endpoints import oid4vp
from web.wiring.build import build_services
from web.wiring.services import EXTENSION_KEY
from web.wiring.settings import Settings

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
