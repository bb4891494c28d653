"""`s4c verify` of a phone photo of a QR code ("The README, read by a newcomer": it
exited 2, "unusable"): a JPEG photo, taken at a slant, blurred, stored sideways with an EXIF
orientation, is read like the credential file: exit 0 or 1 with the verdict, never 2."""
import io

import pytest
from click.testing import CliRunner

from issuer.demo import seed_demo
from vc.qr import qr_png
from verifier.qr_payload import self_contained_text
from web.cli import main
from web.cli.context import issuer_service
from web.wiring.datadir import prepare_data_dir
from web.wiring.settings import Settings


def _photo(png: bytes) -> bytes:
    from PIL import Image, ImageFilter

    code = Image.open(io.BytesIO(png)).convert("RGB")
    scene = Image.new("RGB", (2400, 3200), (205, 196, 178))  # a desk, 7.7 megapixels
    shot = code.resize((1300, 1300), Image.Resampling.NEAREST).rotate(
        7, expand=True, fillcolor=(205, 196, 178))
    scene.paste(shot, (500, 900))
    scene = scene.filter(ImageFilter.GaussianBlur(1.5)).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 8  # EXIF Orientation: rotate 90° clockwise to view (a phone held sideways)
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=82, exif=exif)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Settings, dict]:
    settings = Settings.from_environment(tmp_path_factory.mktemp("photo") / "data",
                                         environ={"S4C_PUBLIC_URL": "http://127.0.0.1:8000"})
    prepare_data_dir(settings)
    service = issuer_service(settings)
    document = next(doc for stem, doc in seed_demo(service).credentials.items()
                    if stem.startswith("role-") and "maria" in stem)
    return settings, service.signed_summary(document, actor="test")


def test_a_phone_photo_of_the_qr_code_is_verified_like_a_file(seeded, tmp_path, monkeypatch):
    settings, summary = seeded
    monkeypatch.setenv("S4C_PUBLIC_URL", settings.public_url)
    png, _version = qr_png(self_contained_text(summary), error_correction="M")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(_photo(png))
    done = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "verify",
                                     str(photo), "--json"])
    # read and judged: the demo issuer's DID on loopback is not fetched here, so the
    # verdict is "could not check" (exit 1), not "unusable input" (exit 2)
    assert done.exit_code in (0, 1), done.output
    assert '"verdict"' in done.output and "Maria Ivanova (DEMO)" in done.output
