"""The certificate a holder prints, made by the server as a PDF: one A4 page in the holder's
language, the title in every partner language, the role's units, the link QR code.

The page is drawn with reportlab in DejaVu Sans (Debian's fonts-dejavu-core), which has the
Greek and Cyrillic letters the partner languages need; the font is embedded (subset) so the
page reads the same everywhere. The words arrive already in the holder's language: this module
lays them out and knows no language. Embedding the credential files and sealing the page is
`issuer.pdf_seal`'s job, on the bytes made here.
"""
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# Debian's fonts-dejavu-core (and most Linux distributions) put DejaVu here
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/TTF"), Path("/usr/local/share/fonts/dejavu"))
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK, MUTED, ACCENT, LINE = HexColor("#1d2433"), HexColor("#5b6478"), HexColor("#0b6e4f"), \
    HexColor("#c9d1dc")
VOID_RED = Color(0.70, 0.07, 0.12, alpha=0.8)
MAX_UNITS_SHOWN = 12  # a role has 4; a framework may give more, the page has room for 12


class FontMissing(RuntimeError):
    """DejaVu Sans is not installed (Debian: apt-get install fonts-dejavu-core)."""


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for folder in FONT_DIRS:
        regular, bold = folder / f"{REGULAR}.ttf", folder / f"{BOLD}.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return
    raise FontMissing("the PDF certificate needs the DejaVu Sans font: install Debian's "
                      "fonts-dejavu-core")


@dataclass(frozen=True)
class CertificateSheet:
    """Everything the page shows, in the holder's language (labels and values alike)."""

    title: str  # the document's title (PDF metadata)
    kicker: str  # "Role certificate · Skills4Cities"
    lead: str  # "This certifies that"
    holder: str
    holder_note: str
    statement: str  # "holds the certified role"
    names: Sequence[tuple[str, str]]  # (language name, title in that language)
    facts: Sequence[tuple[str, str]]  # (label, value): EQF level, result, issuer, dates, id
    units_heading: str = ""
    units: Sequence[str] = ()
    void_mark: str | None = None  # REVOKED / SUSPENDED / EXPIRED, across the page
    void_note: str | None = None
    check_heading: str = ""
    check_text: str = ""
    link: str = ""
    qr_png: bytes = b""
    author: str = ""
    language: str = "en"
    notes: Sequence[str] = field(default_factory=tuple)


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` (long tokens such as URLs are cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if pdfmetrics.stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while pdfmetrics.stringWidth(word, font, size) > width:
                cut = len(word)
                while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


class _Page:
    """A cursor down the page's frame, writing wrapped lines."""

    def __init__(self, canvas: Canvas, left: float, right: float, top: float) -> None:
        self.c, self.left, self.right, self.y = canvas, left, right, top

    @property
    def width(self) -> float:
        return self.right - self.left

    def text(self, text: str, size: float = 10, font: str = REGULAR, color: Color = INK,
             gap: float = 1.5 * mm, indent: float = 0) -> None:
        self.c.setFont(font, size)
        self.c.setFillColor(color)
        for line in _wrapped(text, font, size, self.width - indent):
            self.y -= size * 1.25
            self.c.drawString(self.left + indent, self.y, line)
        self.y -= gap

    def rule(self, gap: float = 2 * mm) -> None:
        self.c.setStrokeColor(LINE)
        self.c.setLineWidth(0.6)
        self.c.line(self.left, self.y, self.right, self.y)
        self.y -= gap

    def pairs(self, rows: Sequence[tuple[str, str]], label_width: float, size: float = 10,
              label_font: str = REGULAR, value_font: str = REGULAR) -> None:
        for label, value in rows:
            self.c.setFont(label_font, size - 1)
            self.c.setFillColor(MUTED)
            self.c.drawString(self.left, self.y - size * 1.25, label)
            lines = _wrapped(value, value_font, size, self.width - label_width)
            self.c.setFont(value_font, size)
            self.c.setFillColor(INK)
            for line in lines:
                self.y -= size * 1.25
                self.c.drawString(self.left + label_width, self.y, line)
            self.y -= 1.2 * mm


def certificate_pdf(sheet: CertificateSheet) -> bytes:
    """The certificate as an unsealed one-page PDF (A4 portrait)."""
    _register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, lang=sheet.language)
    canvas.setTitle(sheet.title)
    canvas.setAuthor(sheet.author)
    canvas.setSubject(sheet.statement)
    canvas.setCreator("s4c")
    width, height = A4
    margin, pad = 16 * mm, 10 * mm
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    page = _Page(canvas, margin + pad, width - margin - pad, height - margin - pad)
    page.text(sheet.kicker.upper(), 9, BOLD, ACCENT, gap=3 * mm)
    page.text(sheet.lead, 10, color=MUTED)
    page.text(sheet.holder, 20, BOLD, gap=1 * mm)
    page.text(sheet.holder_note, 8.5, color=MUTED, gap=2 * mm)
    page.text(sheet.statement, 10, color=MUTED, gap=2 * mm)
    page.rule(1 * mm)
    for index, (language, title) in enumerate(sheet.names):
        page.pairs([(language, title)], 30 * mm, 12.5 if index == 0 else 10,
                   value_font=BOLD if index == 0 else REGULAR)
    page.rule(3 * mm)
    page.pairs(sheet.facts, 40 * mm)
    if sheet.units:
        page.y -= 2 * mm
        page.text(sheet.units_heading, 10, BOLD, gap=1 * mm)
        for unit in list(sheet.units)[:MAX_UNITS_SHOWN]:
            page.text(f"• {unit}", 9.5, gap=0.5 * mm, indent=3 * mm)
    if sheet.void_note:
        page.y -= 2 * mm
        page.text(sheet.void_note, 10, BOLD, VOID_RED)
    for note in sheet.notes:
        page.text(note, 8.5, color=MUTED)
    _check_block(canvas, sheet, page.left, page.right, margin + pad)
    if sheet.void_mark:
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(30)
        canvas.setFillColor(VOID_RED)
        canvas.setFont(BOLD, 60)
        canvas.drawCentredString(0, 0, sheet.void_mark.upper())
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _check_block(canvas: Canvas, sheet: CertificateSheet, left: float, right: float,
                 bottom: float) -> None:
    """The QR code (the share link) and how to check the certificate, at the foot."""
    side = 42 * mm
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.6)
    canvas.line(left, bottom + side + 5 * mm, right, bottom + side + 5 * mm)
    if sheet.qr_png:
        # drawn pixel for pixel (no smoothing) so a phone and zxing read it from the PDF
        canvas.drawImage(ImageReader(io.BytesIO(sheet.qr_png)), left, bottom, side, side)
    page = _Page(canvas, left + side + 6 * mm, right, bottom + side)
    page.text(sheet.check_heading, 10.5, BOLD)
    page.text(sheet.link, 8.5)
    page.text(sheet.check_text, 8.5, color=MUTED)
