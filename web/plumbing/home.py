"""The home page: what s4c is, who the issuer is, and the way in for each of its users
(employers, holders, certification officers, national bodies), in the six languages."""
from flask import Blueprint, render_template

from web.plumbing.i18n import (
    LANGUAGES,
    choose_language_with,
    current_language,
    registry_page_language,
)
from web.wiring.services import current_services

home = Blueprint("home", __name__)
choose_language_with(home, registry_page_language)  # ?lang=, else the browser's language


@home.get("/")
def index() -> str:
    services = current_services()
    return render_template(
        "home.html", lang=current_language(), languages=LANGUAGES,
        issuer_did=services.settings.issuer_did, issuer_name=services.settings.issuer_name,
        public_url=services.settings.public_url,
    )
