"""Settings of one s4c instance, resolved once from the command line and the environment.

Everything that holds state (database, keys) hangs off `data_dir`; there are no
module-level singletons, so two `Settings` with two data directories never meet.
"""
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from issuer.wallet_limits import DEFAULT_COPIES, MAX_COPIES
from vc.did_web import did_web_from_url
from vc.elm.concepts import COUNTRIES
from vc.key_store import keys_dir

PASSPHRASE_ENV = "S4C_KEY_PASSPHRASE"  # noqa: S105 - the variable's name, not a passphrase

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


DEFAULT_ISSUER_NAME = "Demo Smart City Certification Body (DEMO)"
DEFAULT_ISSUER_COUNTRY = "BE"
DEFAULT_ISSUER_LEGAL_ID = "DEMO-0000000000"  # the demo body's eIDAS legal identifier
# The one connection pool of each worker process (PostgreSQL): SQLAlchemy's own defaults.
DEFAULT_DB_POOL_SIZE = 5
DEFAULT_DB_MAX_OVERFLOW = 10
MAX_DB_POOL = 1000


def default_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_DATA_HOME/s4c`, or `~/.local/share/s4c` (XDG Base Directory spec)."""
    xdg = environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "s4c"


def _proxy_count(value: str | None) -> int:
    if not value:
        return 0
    if not value.strip().isdigit() or int(value) > 10:
        raise ValueError(f"S4C_TRUSTED_PROXIES must be a number of proxies (0-10), not "
                         f"{value[:40]!r}")
    return int(value)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _extra_contexts(value: str | None) -> Path | None:
    if not value:
        return None
    folder = Path(value).expanduser().resolve()
    if not (folder / "manifest.json").is_file():
        raise ValueError(f"S4C_EXTRA_CONTEXTS must be a folder holding a manifest.json of "
                         f"the extra contexts (URL -> file and sha256); {folder} has none")
    return folder


BROKER_SCHEMES = ("redis", "rediss", "unix")


def _country(value: str | None) -> str:
    if not value:
        return DEFAULT_ISSUER_COUNTRY
    code = value.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"S4C_ISSUER_COUNTRY must be an ISO 3166-1 alpha-2 country code "
                         f"(one of {', '.join(sorted(COUNTRIES))}), not {value[:40]!r}")
    return code


def _wallet_copies(value: str | None) -> int:
    if not value:
        return DEFAULT_COPIES
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_COPIES:
        raise ValueError(f"S4C_WALLET_COPIES must be a number of copies (1-{MAX_COPIES}), "
                         f"not {value[:40]!r}")
    return int(value)


def _pool_number(name: str, value: str | None, default: int, least: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not least <= int(value) <= MAX_DB_POOL:
        raise ValueError(f"{name} must be a number of connections ({least}-{MAX_DB_POOL}), "
                         f"not {value!r}")
    return int(value)


def _smtp_url(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("smtp://", "smtp+starttls://", "smtps://")):
        raise ValueError("S4C_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://")
    return value


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


def _tsa_url(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("S4C_TSA_URL must be the http:// or https:// URL of an RFC 3161 "
                         "time-stamping authority")
    return value


def _broker_url(value: str | None) -> str | None:
    if not value:
        return None
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in BROKER_SCHEMES:
        raise ValueError("S4C_BROKER_URL must be a Redis URL (redis://host:6379/0, rediss://… "
                         "or unix://…), or unset for the embedded queue")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_url: str = DEFAULT_PUBLIC_URL
    # The value of S4C_KEY_PASSPHRASE, if set; else the passphrase file under data_dir.
    key_passphrase: str | None = field(default=None, repr=False)
    # The certification body's name as its credentials show it (S4C_ISSUER_NAME).
    issuer_name: str = DEFAULT_ISSUER_NAME
    # The body as its European Digital Credentials name it (`issuer.edc`): the country it is
    # established in (S4C_ISSUER_COUNTRY, ISO 3166-1 alpha-2) and its eIDAS legal identifier
    # (S4C_ISSUER_LEGAL_ID, e.g. its VAT number "VATBE-0123456789").
    issuer_country: str = DEFAULT_ISSUER_COUNTRY
    issuer_legal_id: str = DEFAULT_ISSUER_LEGAL_ID
    # Reverse proxies in front of s4c whose X-Forwarded-For/-Proto to believe
    # (S4C_TRUSTED_PROXIES): login throttling and the holder sign-in limit count per client
    # address, which behind a proxy is only known from that header. 0: take the
    # connection's address.
    trusted_proxies: int = 0
    # The job queue's broker (S4C_BROKER_URL): None for the embedded SQLite file in the
    # data directory; redis://host:port/db (or rediss://) in production (`web.wiring.job_queue`).
    broker_url: str | None = field(default=None, repr=False)
    # S4C_ALLOW_LOOPBACK_FETCH: let the verifier fetch this server's own loopback http
    # public URL (dev and tests; `make run` sets it). Never on by default.
    allow_loopback_fetch: bool = False
    # S4C_TRUST_LIST, S4C_TRUST_OPERATOR_DID: verify issuer trust from a signed trust-list
    # file (and the DID of the registry operator that signed it) instead of the registry DB
    trust_list: str | None = None
    trust_operator_did: str | None = None
    # S4C_SEAL_ANCHORS_DIR, S4C_TRUSTED_LIST: the trust anchors for the seals of European
    # Digital Credentials: a folder of CA certificates, and/or an ETSI TS 119 612 trusted list
    # (a national list, or the EU's list of lists with the national lists beside it), read
    # offline at start (`vc.jades.anchors`). Neither: every EDC's sealer is "not confirmed".
    seal_anchors_dir: str | None = None
    seal_trusted_list: str | None = None
    # S4C_TRUSTED_LIST_SIGNERS: a PEM file of the certificates allowed to sign that list (for
    # the EU's list of lists, those the Official Journal publishes): its XML signature and the
    # national lists' are then checked, and one that fails stops the start
    seal_trusted_list_signers: str | None = None
    # S4C_SD_JWT_KEY, S4C_SD_JWT_CHAIN: the body's ES256 key (PEM) and certificate chain (PEM,
    # leaf first) for SD-JWT VCs; unset: a demo CA and key in the data directory
    # (`web.wiring.sd_jwt_keys`)
    sd_jwt_key: str | None = None
    sd_jwt_chain: str | None = None
    # S4C_EXTRA_CONTEXTS: a folder of JSON-LD contexts the verifier accepts besides the
    # pinned ones, listed in its manifest.json with each file's SHA-256 (the format of
    # vc/pinned_contexts). For the W3C conformance suites, whose credentials use the W3C
    # examples context; never set in production (off by default).
    extra_contexts: Path | None = None
    # S4C_SMTP_URL: where holders' e-mails are sent: smtp://host:port (plain, for a relay on
    # the same host), smtp+starttls://user:password@host:587 or smtps://user:password@host:465.
    # Unset: no e-mail is sent, and the console says so. S4C_MAIL_FROM: the sender address.
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "s4c@localhost"
    # S4C_WALLET_COPIES: how many credentials of one configuration (a role or unit, in one
    # format) a wallet's OpenID4VCI access token may obtain, over all its requests; a
    # wallet asks for several to present unlinkable copies. Default 10.
    wallet_copies: int = DEFAULT_COPIES
    # S4C_DB_POOL_SIZE, S4C_DB_MAX_OVERFLOW: each worker process holds ONE database engine
    # (`web.wiring.build`), whose PostgreSQL pool keeps up to S4C_DB_POOL_SIZE connections open
    # (default 5) and opens up to S4C_DB_MAX_OVERFLOW more under load (default 10), closed
    # when returned. A worker never holds more than their sum: size PostgreSQL's
    # max_connections for (workers x threads-busy) x instances. SQLite ignores them.
    db_pool_size: int = DEFAULT_DB_POOL_SIZE
    db_max_overflow: int = DEFAULT_DB_MAX_OVERFLOW
    # The body's electronic seal for EDCs and PDFs (`issuer.seal`): a PKCS#11 token
    # (S4C_SEAL_PKCS11_MODULE: the module's .so path, S4C_SEAL_TOKEN_LABEL,
    # S4C_SEAL_KEY_LABEL, S4C_SEAL_PIN; S4C_SEAL_CHAIN: a PEM chain, leaf first, when the
    # token holds no certificate), else a PKCS#12 file (S4C_SEAL_PKCS12, S4C_SEAL_PASSPHRASE),
    # else the demo seal of the data directory (marked DEMO).
    seal_pkcs11_module: str | None = None
    seal_token_label: str | None = None
    seal_key_label: str | None = None
    seal_pin: str | None = field(default=None, repr=False)
    seal_chain: Path | None = None
    seal_pkcs12: Path | None = None
    seal_passphrase: str | None = field(default=None, repr=False)
    # S4C_SEAL_CONTENT_TIMESTAMP: each seal also carries a content time-stamp (adoTst), as
    # the EU's sealed samples do (default on; 0 saves one TSA request per seal)
    seal_content_timestamp: bool = True
    # S4C_ISSUER_KEY_IN_TOKEN: the issuer's Ed25519 Data Integrity keys live in the seal's
    # PKCS#11 token too (it must do EdDSA), not in encrypted files (`issuer.seal.token_keys`)
    issuer_key_in_token: bool = False
    # S4C_TSA_URL: the RFC 3161 time-stamping authority of the seals (http:// or https://);
    # unset: the demo TSA of the data directory, in-process.
    tsa_url: str | None = field(default=None, repr=False)  # may hold a user and password

    @classmethod
    def from_environment(
        cls, data_dir: Path | None = None, environ: Mapping[str, str] | None = None
    ) -> "Settings":
        """Reads S4C_DATA_DIR, DATABASE_URL, S4C_PUBLIC_URL, S4C_KEY_PASSPHRASE, S4C_ISSUER_NAME,
        S4C_ISSUER_COUNTRY, S4C_ISSUER_LEGAL_ID,
        S4C_TRUSTED_PROXIES, S4C_BROKER_URL, S4C_ALLOW_LOOPBACK_FETCH, S4C_TRUST_LIST,
        S4C_TRUST_OPERATOR_DID, S4C_SEAL_ANCHORS_DIR, S4C_TRUSTED_LIST,
        S4C_TRUSTED_LIST_SIGNERS, S4C_EXTRA_CONTEXTS, S4C_SD_JWT_KEY, S4C_SD_JWT_CHAIN,
        S4C_SMTP_URL, S4C_MAIL_FROM, S4C_WALLET_COPIES, S4C_DB_POOL_SIZE,
        S4C_DB_MAX_OVERFLOW, S4C_SEAL_PKCS11_MODULE, S4C_SEAL_TOKEN_LABEL, S4C_SEAL_KEY_LABEL,
        S4C_SEAL_PIN, S4C_SEAL_CHAIN, S4C_SEAL_PKCS12, S4C_SEAL_PASSPHRASE, S4C_TSA_URL,
        S4C_ISSUER_KEY_IN_TOKEN, S4C_SEAL_CONTENT_TIMESTAMP: the only place s4c reads its
        environment."""
        env = os.environ if environ is None else environ
        if data_dir is None:
            data_dir = Path(env["S4C_DATA_DIR"]) if env.get("S4C_DATA_DIR") else default_data_dir(env)
        data_dir = Path(data_dir).expanduser().resolve()
        return cls(
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 's4c.db'}",
            public_url=(env.get("S4C_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
            key_passphrase=env.get(PASSPHRASE_ENV),
            issuer_name=env.get("S4C_ISSUER_NAME") or DEFAULT_ISSUER_NAME,
            issuer_country=_country(env.get("S4C_ISSUER_COUNTRY")),
            issuer_legal_id=(env.get("S4C_ISSUER_LEGAL_ID") or DEFAULT_ISSUER_LEGAL_ID).strip(),
            trusted_proxies=_proxy_count(env.get("S4C_TRUSTED_PROXIES")),
            broker_url=_broker_url(env.get("S4C_BROKER_URL")),
            allow_loopback_fetch=_flag(env.get("S4C_ALLOW_LOOPBACK_FETCH")),
            trust_list=env.get("S4C_TRUST_LIST") or None,
            trust_operator_did=env.get("S4C_TRUST_OPERATOR_DID") or None,
            seal_anchors_dir=env.get("S4C_SEAL_ANCHORS_DIR") or None,
            seal_trusted_list=env.get("S4C_TRUSTED_LIST") or None,
            seal_trusted_list_signers=env.get("S4C_TRUSTED_LIST_SIGNERS") or None,
            sd_jwt_key=env.get("S4C_SD_JWT_KEY") or None,
            sd_jwt_chain=env.get("S4C_SD_JWT_CHAIN") or None,
            smtp_url=_smtp_url(env.get("S4C_SMTP_URL")),
            mail_from=env.get("S4C_MAIL_FROM") or "s4c@localhost",
            extra_contexts=_extra_contexts(env.get("S4C_EXTRA_CONTEXTS")),
            wallet_copies=_wallet_copies(env.get("S4C_WALLET_COPIES")),
            db_pool_size=_pool_number("S4C_DB_POOL_SIZE", env.get("S4C_DB_POOL_SIZE"),
                                      DEFAULT_DB_POOL_SIZE, 1),
            db_max_overflow=_pool_number("S4C_DB_MAX_OVERFLOW", env.get("S4C_DB_MAX_OVERFLOW"),
                                         DEFAULT_DB_MAX_OVERFLOW, 0),
            seal_pkcs11_module=env.get("S4C_SEAL_PKCS11_MODULE") or None,
            seal_token_label=env.get("S4C_SEAL_TOKEN_LABEL") or None,
            seal_key_label=env.get("S4C_SEAL_KEY_LABEL") or None,
            seal_pin=env.get("S4C_SEAL_PIN") or None,
            seal_chain=_path(env.get("S4C_SEAL_CHAIN")),
            seal_pkcs12=_path(env.get("S4C_SEAL_PKCS12")),
            seal_passphrase=env.get("S4C_SEAL_PASSPHRASE"),
            tsa_url=_tsa_url(env.get("S4C_TSA_URL")),
            issuer_key_in_token=_flag(env.get("S4C_ISSUER_KEY_IN_TOKEN")),
            seal_content_timestamp=_flag(env.get("S4C_SEAL_CONTENT_TIMESTAMP") or "1"),
        )

    @property
    def issuer_did(self) -> str:
        """did:web of the public URL, e.g. `did:web:127.0.0.1%3A8000`."""
        return did_web_from_url(self.public_url)

    @property
    def seal_anchors_in_use(self) -> str | None:
        """The anchors folder the verifier reads: S4C_SEAL_ANCHORS_DIR; else, on a demo that
        seals with the DEMO seal (no body seal configured, no trusted list), the demo seal's
        own CAs (`<data_dir>/seal/anchors`), so the demo's employer page confirms the demo's
        own seals. A deployment with its own seal never trusts the demo CAs by default."""
        if self.seal_anchors_dir:
            return self.seal_anchors_dir
        demo = self.data_dir / "seal" / "anchors"
        if (self.seal_pkcs11_module or self.seal_pkcs12 or self.seal_trusted_list
                or not demo.is_dir()):
            return None
        return str(demo)

    @property
    def keys_dir(self) -> Path:
        return keys_dir(self.data_dir)

    @property
    def database_url_for_display(self) -> str:
        """The database URL with any password masked, safe to print or log."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    @property
    def tsa_url_for_display(self) -> str | None:
        """The TSA URL with any password masked."""
        if self.tsa_url is None or "@" not in self.tsa_url:
            return self.tsa_url
        scheme, rest = self.tsa_url.split("://", 1)
        userinfo, host = rest.rsplit("@", 1) if "@" in rest.split("/", 1)[0] else ("", rest)
        if not userinfo:
            return self.tsa_url
        return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"

    @property
    def broker_url_for_display(self) -> str | None:
        """The broker URL with any password masked."""
        if self.broker_url is None:
            return None
        return make_url(self.broker_url).render_as_string(hide_password=True) \
            if "@" in self.broker_url else self.broker_url

    @property
    def key_passphrase_source(self) -> str:
        """Where the key passphrase comes from, for humans (never the passphrase itself)."""
        if self.key_passphrase is not None:
            return f"environment variable {PASSPHRASE_ENV}"
        return f"file {self.keys_dir / 'passphrase'} (set {PASSPHRASE_ENV} in production)"
