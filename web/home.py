"""The home page: what s4c is, and who the issuer is."""
from flask import Blueprint, render_template

from web.services import current_services

home = Blueprint("home", __name__)


@home.get("/")
def index() -> str:
    services = current_services()
    return render_template(
        "home.html",
        issuer_did=services.settings.issuer_did,
        public_url=services.settings.public_url,
    )
