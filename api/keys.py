"""The keys of the API, each derived from ``AIM_JWT_SECRET`` with HKDF-SHA256 under its own
label, so that one use can never stand in for another: a CSRF token or a pseudonym is not a
valid token signature, and a token cannot be forged with what pseudonyms reveal.

The pseudonym key also carries ``AIM_PSEUDONYM_KEY_VERSION``: raising it gives analysts new
pseudonyms without ending anyone's session (docs/governance.md, "Rotating keys").
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aim.api.settings import ApiSettings


def token_key(settings: ApiSettings) -> bytes:
    """Signs and checks access tokens (HS256)."""
    return _derive(settings.signing_secret(), b"aim tokens v1")


def csrf_key(settings: ApiSettings) -> bytes:
    """Keys the dashboard's CSRF tokens."""
    return _derive(settings.signing_secret(), b"aim csrf v1")


def pseudonym_key(settings: ApiSettings) -> bytes:
    """Keys analysts' pseudonyms (HMAC)."""
    return _derive(settings.signing_secret(), b"aim pseudonyms v%d" % settings.pseudonym_key_version)


def audit_anchor_key(settings: ApiSettings, secret: str | None = None) -> bytes:
    """Signs the audit chain's retention anchor; ``secret``: a previous ``AIM_JWT_SECRET``,
    to check the anchor it signed before re-signing it (``aim audit resign-anchor``)."""
    return _derive(secret or settings.signing_secret(), b"aim audit anchor v1")


@lru_cache(maxsize=32)
def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())
