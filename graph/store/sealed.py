"""Encrypted backup files: AES-256-GCM over 64 KiB chunks, so that a backup of any size is
sealed and opened holding one chunk in memory.

The layout is the STREAM construction: a header (magic, a random salt, a key check), then
frames of ``length | ciphertext``. Each file has its own key, derived with HKDF-SHA256
from the secret (``AIM_BACKUP_KEY``) and the salt; chunk ``i`` is sealed with the nonce
``i`` plus a last-chunk flag and the header as associated data, so a reordered, dropped,
altered or truncated chunk fails to open, and a wrong secret is told apart by the key check.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"AIMSEAL1"
SALT_BYTES = 16
CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES
CHUNK = 64 * 1024
TAG_BYTES = 16
MIN_SECRET_CHARS = 32
_FRAME = struct.Struct(">I")


class SealError(ValueError):
    """A sealed file cannot be opened (wrong secret, altered or truncated); the message says which."""


def check_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_CHARS:
        raise SealError(f"AIM_BACKUP_KEY must be at least {MIN_SECRET_CHARS} characters "
                        "(e.g. the output of `openssl rand -base64 32`)")
    return secret


def _keys(secret: str, salt: bytes) -> tuple[AESGCM, bytes]:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"aim backup v1").derive(secret.encode())
    check = hmac.new(key, b"aim backup key check", hashlib.sha256).digest()[:CHECK_BYTES]
    return AESGCM(key), check


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QI", index, int(last))


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC)


class SealedWriter(io.RawIOBase):
    """Encrypts what is written to it into ``raw``; ``close`` seals the last chunk and closes ``raw``."""

    def __init__(self, raw: BinaryIO, secret: str) -> None:
        salt = os.urandom(SALT_BYTES)
        self._aead, check = _keys(check_secret(secret), salt)
        self._header = MAGIC + salt + check
        self._raw = raw
        self._raw.write(self._header)
        self._pending = bytearray()
        self._index = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pending += data
        # Keep at least one byte back: the last chunk is sealed by close(), with its flag.
        while len(self._pending) > CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, last), chunk, self._header)
        self._raw.write(_FRAME.pack(len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            try:
                self._seal(bytes(self._pending), last=True)
                self._raw.close()
            finally:
                super().close()


class SealedReader(io.RawIOBase):
    """Decrypts ``raw`` (a file written by :class:`SealedWriter`) chunk by chunk."""

    def __init__(self, raw: BinaryIO, secret: str, name: str = "the backup") -> None:
        self._raw = raw
        self._name = name
        self._header = raw.read(HEADER_BYTES)
        if len(self._header) < HEADER_BYTES or not is_sealed(self._header):
            raise SealError(f"{name}: not an encrypted AIM backup")
        salt, check = self._header[len(MAGIC):len(MAGIC) + SALT_BYTES], self._header[-CHECK_BYTES:]
        self._aead, expected = _keys(check_secret(secret), salt)
        if not hmac.compare_digest(check, expected):
            raise SealError(f"{name}: AIM_BACKUP_KEY is not the key this backup was encrypted with")
        self._plain = b""
        self._index = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._plain and not self._done:
            self._plain = self._open_next()
        size = min(len(buffer), len(self._plain))
        buffer[:size] = self._plain[:size]
        self._plain = self._plain[size:]
        return size

    def _open_next(self) -> bytes:
        frame = self._raw.read(_FRAME.size)
        if len(frame) < _FRAME.size:
            raise SealError(f"{self._name}: the encrypted backup is truncated")
        (length,) = _FRAME.unpack(frame)
        if length < TAG_BYTES or length > CHUNK + TAG_BYTES:
            raise SealError(f"{self._name}: the encrypted backup is corrupt (chunk {self._index})")
        sealed = self._raw.read(length)
        if len(sealed) < length:
            raise SealError(f"{self._name}: the encrypted backup is truncated")
        for last in (False, True):
            try:
                chunk = self._aead.decrypt(_nonce(self._index, last), sealed, self._header)
            except InvalidTag:
                continue
            self._index += 1
            if last:
                self._done = True
                if self._raw.read(1):
                    raise SealError(f"{self._name}: data after the last encrypted chunk")
            return chunk
        raise SealError(f"{self._name}: the encrypted backup was altered or is corrupt (chunk {self._index})")

    def close(self) -> None:
        if not self.closed:
            try:
                self._raw.close()
            finally:
                super().close()
