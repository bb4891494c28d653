"""The demo outbox: without an SMTP server (no S4C_SMTP_URL), e-mails are
kept as files in `<data dir>/outbox/`, one RFC 5322 message (`.eml`) each, which the officer
console lists, marked DEMO. So a demo (`make run`) reaches the holder's page by the same
sign-in links a real deployment e-mails.

A message holds a personal sign-in link: the files are the data directory owner's alone
(0600 in a 0700 directory), written whole (a temporary file renamed) so that a reader never
sees half a message.
"""
import email
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

OUTBOX_DIR = "outbox"
MAX_MESSAGE_BYTES = 256 * 1024  # ours are a few kilobytes: anything larger is not read
SHOWN = 50


@dataclass(frozen=True)
class OutboxMail:
    name: str  # the file's name: time, then a random part
    to: str
    subject: str
    sent: datetime
    language: str
    text: str


def outbox_path(data_dir: Path) -> Path:
    return Path(data_dir) / OUTBOX_DIR


def keep(data_dir: Path, message: EmailMessage, now: datetime | None = None) -> Path:
    """Writes `message` into the outbox; returns its file."""
    folder = outbox_path(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{moment}-{uuid.uuid4().hex[:12]}.eml"
    partial = folder / f".{target.name}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as f:
        f.write(message.as_bytes(policy=policy.SMTP))
    os.replace(partial, target)
    return target


def newest(data_dir: Path, limit: int = SHOWN) -> list[OutboxMail]:
    """The newest `limit` messages of the outbox, newest first (none when it does not exist)."""
    folder = outbox_path(data_dir)
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.glob("*.eml")), reverse=True)[:limit]
    out = []
    for name in names:
        path = folder / name
        if path.stat().st_size > MAX_MESSAGE_BYTES:
            continue
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if not isinstance(parsed, EmailMessage):
            continue
        body = parsed.get_body(preferencelist=("plain",))
        sent = parsed["Date"].datetime if parsed["Date"] else None
        out.append(OutboxMail(
            name=name, to=str(parsed["To"] or ""), subject=str(parsed["Subject"] or ""),
            sent=sent if isinstance(sent, datetime) else datetime.now(UTC),
            language=str(parsed["Content-Language"] or "en"),
            text=body.get_content() if body is not None else ""))
    return out
