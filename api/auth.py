"""Bearer tokens: read from the Authorization header once, compared in constant time."""

from __future__ import annotations

import secrets

from pydantic import SecretStr


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header ("" when there is none)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def allowed(authorization: str | None, expected: SecretStr) -> bool:
    return secrets.compare_digest(
        bearer(authorization).encode(), expected.get_secret_value().encode()
    )
