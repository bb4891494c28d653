"""The issuer's tables: candidates, assessments, decisions, credentials, status lists, shares."""
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from issuer.audit import Base


def _now() -> datetime:
    return datetime.now(UTC)


class FrameworkRecord(Base):
    """A loaded competency framework version (the data is the framework JSON)."""

    __tablename__ = "issuer_frameworks"
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # framework id URL
    version: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Candidate(Base):
    __tablename__ = "issuer_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(Text, unique=True)  # public reference (uuid)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text, unique=True)
    did: Mapped[str | None] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(Text)  # for the hashed email identifier
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # the language the holder's e-mails are written in (en bg ro el es de); None: English
    language: Mapped[str | None] = mapped_column(Text, nullable=True)


NOT_VOIDED = "voided_at IS NULL"


class Assessment(Base):
    """One attempt at a unit. Attempts are numbered per candidate and unit (1, 2, ...), so a
    retake on the same day is a new attempt; a voided attempt stays on record but no longer
    counts, and frees its number (the unique index covers the attempts not voided, i0009)."""

    __tablename__ = "issuer_assessments"
    __table_args__ = (Index("uq_assessment_attempt", "candidate_id", "framework_id",
                            "unit_code", "attempt", unique=True,
                            sqlite_where=text(NOT_VOIDED), postgresql_where=text(NOT_VOIDED)),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(Text, unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("issuer_candidates.id"), index=True)
    framework_id: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    assessed_on: Mapped[date] = mapped_column(Date)
    exam_body: Mapped[str] = mapped_column(Text)
    assessor: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    attempt: Mapped[int] = mapped_column(Integer)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by: Mapped[str | None] = mapped_column(Text)
    void_reason: Mapped[str | None] = mapped_column(Text)


class Decision(Base):
    """A certification decision (a unit passed, a role certified), with who decided."""

    __tablename__ = "issuer_decisions"
    __table_args__ = (UniqueConstraint("candidate_id", "framework_id", "kind", "code",
                                       name="uq_decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("issuer_candidates.id"), index=True)
    framework_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)  # "unit" | "role"
    code: Mapped[str] = mapped_column(Text)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("issuer_assessments.id"))
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IssuedCredential(Base):
    __tablename__ = "issuer_credentials"
    __table_args__ = (
        UniqueConstraint("revocation_list", "revocation_index", name="uq_revocation_slot"),
        UniqueConstraint("suspension_list", "suspension_index", name="uq_suspension_slot"),
    )
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # urn:uuid:...
    decision_id: Mapped[int] = mapped_column(ForeignKey("issuer_decisions.id"), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("issuer_candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(Text)  # "unit" | "role"
    code: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(Text)  # digestMultibase of the signed credential
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revocation_list: Mapped[int] = mapped_column(Integer)
    revocation_index: Mapped[int] = mapped_column(Integer)
    suspension_list: Mapped[int] = mapped_column(Integer)
    suspension_index: Mapped[int] = mapped_column(Integer)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)


class StatusList(Base):
    """One Bitstring Status List (bits stored raw; the signed credential is derived)."""

    __tablename__ = "issuer_status_lists"
    __table_args__ = (UniqueConstraint("purpose", "number", name="uq_status_list"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(Text)
    number: Mapped[int] = mapped_column(Integer)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


def new_share_link_id() -> str:
    return secrets.token_hex(16)


class ShareLink(Base):
    """A holder's revocable link to one credential (the token itself is never stored; the
    server derives it from `id` with its key, see `issuer.shares`)."""

    __tablename__ = "issuer_share_links"
    token_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    id: Mapped[str] = mapped_column(Text, unique=True, index=True, default=new_share_link_id)
    credential_id: Mapped[str] = mapped_column(ForeignKey("issuer_credentials.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[str | None] = mapped_column(Text)  # None for links made before i0003
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Officer(Base):
    """A certification officer who may use the console and the issuing API."""

    __tablename__ = "issuer_officers"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    api_token_hash: Mapped[str | None] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ConsoleSession(Base):
    """A signed-in console session, kept on the server so that logging out ends it: the
    cookie only names it (by a random id, stored here as its SHA-256)."""

    __tablename__ = "issuer_console_sessions"
    id_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    officer: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Failed console logins per account and per client address, in the database so that
    every worker and every instance counts the same attempts."""

    __tablename__ = "issuer_login_throttle"
    key: Mapped[str] = mapped_column(Text, primary_key=True)  # "account:…" or "address:…"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CohortJob(Base):
    """A cohort upload being issued in the background (`issuer.cohort_jobs`). The file is
    kept so that any worker can run any chunk, and a job can resume after a crash."""

    __tablename__ = "issuer_cohort_jobs"
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # random, in URLs
    filename: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, deferred=True)  # read by workers, not by progress
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows: Mapped[int] = mapped_column(Integer)
    candidates: Mapped[int] = mapped_column(Integer)
    chunk_count: Mapped[int] = mapped_column(Integer)
    # the rows refused on upload, as findings (`{"code", "params": {"line", ...}}`)
    parse_errors: Mapped[list[dict]] = mapped_column(JSON)
    # e-mail each holder of the file a sign-in link once their chunk is issued (i0008)
    notify_holders: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default="0")


class CohortChunk(Base):
    """One chunk of a job: candidates [first, first + count) of the file, in file order.
    `done` and its counts are written in the transaction that stores its credentials."""

    __tablename__ = "issuer_cohort_chunks"
    job_id: Mapped[str] = mapped_column(ForeignKey("issuer_cohort_jobs.id"),
                                        primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    first: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    already_issued: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict]] = mapped_column(JSON, default=list)  # findings, as parse_errors
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WalletGrant(Base):
    """An OpenID4VCI offer of a holder's credentials to their wallet: a
    pre-authorized code, used once, optionally guarded by a transaction code (`tx_code`)
    sent to the holder apart from the offer. Only hashes of the code and tx_code are kept."""

    __tablename__ = "issuer_wallet_grants"
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # random, names the offer
    code_hash: Mapped[str] = mapped_column(Text, unique=True)  # SHA-256 of the code
    tx_code_hash: Mapped[str | None] = mapped_column(Text)  # scrypt of the tx_code
    candidate_id: Mapped[int] = mapped_column(ForeignKey("issuer_candidates.id"), index=True)
    offered: Mapped[dict[str, str]] = mapped_column(JSON)  # configuration id -> original id
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the authorization code flow (i0007): the code is bound to the wallet's PKCE challenge
    # (S256), its redirect URI and client id; an offer for that flow has none of them
    flow: Mapped[str] = mapped_column(Text, default="pre-authorized",
                                      server_default="pre-authorized")
    pkce_challenge: Mapped[str | None] = mapped_column(Text)
    redirect_uri: Mapped[str | None] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(Text)
    # an attested wallet (i0010): the provider that vouched for it and the JWK thumbprint of
    # its instance key, which must authenticate again at the token endpoint
    client_provider: Mapped[str | None] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(Text)


class WalletCopy(Base):
    """One credential issued into a wallet: a copy of an issued credential bound to the
    wallet's key. A copy's status follows its original (revoking the original revokes every
    copy); SD-JWT copies each have their own random index in a Token Status List."""

    __tablename__ = "issuer_wallet_copies"
    __table_args__ = (UniqueConstraint("token_list", "token_index", name="uq_token_slot"),)
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # the copy's id or jti
    original_id: Mapped[str] = mapped_column(ForeignKey("issuer_credentials.id"), index=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("issuer_wallet_grants.id"), index=True)
    format: Mapped[str] = mapped_column(Text)  # "ldp_vc" | "dc+sd-jwt"
    holder_key: Mapped[str] = mapped_column(Text)  # JWK thumbprint (RFC 7638) of the wallet key
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    token_list: Mapped[int | None] = mapped_column(Integer)  # SD-JWT copies only
    token_index: Mapped[int | None] = mapped_column(Integer)


class WalletCopyCount(Base):
    """How many copies of one credential configuration an access token (its redeemed grant)
    has obtained. Raised by one conditional upsert in the transaction that
    records the copies, so concurrent requests on any number of workers cannot pass the
    bound (`issuer.wallet_limits`)."""

    __tablename__ = "issuer_wallet_copy_counts"
    grant_id: Mapped[str] = mapped_column(ForeignKey("issuer_wallet_grants.id"),
                                          primary_key=True)
    configuration_id: Mapped[str] = mapped_column(Text, primary_key=True)
    copies: Mapped[int] = mapped_column(Integer)


class UsedProof(Base):
    """A wallet's single-use value, seen once: a DPoP proof's `jti` (RFC 9449
    §11.1) or a key proof's `c_nonce` (OpenID4VCI 1.0 §13.8, proof replay). Kept until the
    proof or nonce would be refused as stale anyway (`expires`, Unix seconds), then pruned."""

    __tablename__ = "issuer_used_proofs"
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # SHA-256 of kind and value
    expires: Mapped[int] = mapped_column(Integer, index=True)


class HolderSignIn(Base):
    """A holder's personal sign-in link, sent by e-mail: it works once, before it
    expires, and then becomes the holder's session on that browser. Only SHA-256 hashes of
    the link's token and of the session's token are kept."""

    __tablename__ = "issuer_holder_sign_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("issuer_candidates.id"), index=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_hash: Mapped[str | None] = mapped_column(Text, unique=True)
    session_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WalletAuthorizationRequest(Base):
    """A wallet's pushed authorization request (RFC 9126), kept until the holder answers it
    on the authorization page or it expires; used once."""

    __tablename__ = "issuer_wallet_requests"
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # in the request_uri
    client_id: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # who the client proved to be at PAR (i0010): the wallet's name from its registration or
    # its attestation, and for an attested wallet its provider and instance key thumbprint;
    # a request kept before i0010 has no name and is never shown
    client_name: Mapped[str | None] = mapped_column(Text)
    client_provider: Mapped[str | None] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(Text)


class WalletClient(Base):
    """A wallet app the operator registered (`s4c wallet-client add`, i0010): a public OAuth
    client of the authorization code flow, its name shown to holders, and the redirect URIs
    a request may name, compared exactly (RFC 6749 §3.1.2, RFC 8252 §7)."""

    __tablename__ = "issuer_wallet_clients"
    client_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WalletProvider(Base):
    """A wallet provider the operator trusts to attest its wallets (`s4c wallet-provider
    add`, i0010; draft-ietf-oauth-attestation-based-client-auth-07, OpenID4VCI 1.0 App. E):
    its public key (JWK) or the X.509 trust anchor of its `x5c` chains, and the redirect URIs
    its wallets may use besides those it signs into an attestation."""

    __tablename__ = "issuer_wallet_providers"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    jwk: Mapped[dict[str, str] | None] = mapped_column(JSON)
    certificate: Mapped[str | None] = mapped_column(Text)  # PEM
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ClientAttestationPop(Base):
    """A Client Attestation PoP already used (draft -07 §12.1): the SHA-256 of its instance
    key thumbprint and `jti`, kept while a PoP of its `iat` would still be fresh, so that a
    replay is refused by every worker and every instance (the primary key)."""

    __tablename__ = "issuer_client_attestation_pops"
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
