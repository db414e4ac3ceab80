"""The tool's RSA key pair: created on first use in the instance folder, public half at
``GET /lti/jwks``.

It signs the client assertion of the grade-service token request; platforms fetch the public
half by its ``kid`` (the RFC 7638 thumbprint, so the same key always has the same id).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from jwt.algorithms import RSAAlgorithm

KEY_FILE = "lti-tool-key.pem"
EXTENSION_KEY = "quizsvc.lti.key"


@dataclass(frozen=True)
class ToolKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk()]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638: SHA-256 of the key's required members in lexicographic order."""
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def load_or_create(folder: Path) -> ToolKey:
    """The key kept in ``folder``; the first caller creates it (readable by its owner only).
    Two workers racing at first use end with the same key: the file is created exclusively."""
    path = folder / KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker was first: use its key
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return ToolKey(loaded, thumbprint(loaded.public_key()))


def tool_key(app: Flask) -> ToolKey:
    """The app's key pair, from its instance folder (created there on first use); the LTI
    routes, the commands and the passback jobs all sign with this one."""
    key: ToolKey | None = app.extensions.get(EXTENSION_KEY)
    if key is None:
        key = app.extensions[EXTENSION_KEY] = load_or_create(Path(app.instance_path))
    return key
