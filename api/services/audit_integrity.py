"""The key that signs the audit chain's retention anchor: derived from ``AIM_JWT_SECRET``
under its own label, so the database (which holds the anchor) cannot forge it."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aim.api.settings import ApiSettings


def anchor_key(settings: ApiSettings) -> bytes | None:
    """None when the secret is not available (the anchor then cannot be checked)."""
    try:
        secret = settings.signing_secret()
    except ValueError:
        return None
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"aim audit anchor v1").derive(secret.encode())
