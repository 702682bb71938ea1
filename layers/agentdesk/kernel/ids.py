"""The one id generator: sortable, URL-safe ids (time prefix + randomness)."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str = "") -> str:
    millis = int(time.time() * 1000)
    stamp = ""
    for _ in range(10):
        millis, rest = divmod(millis, 32)
        stamp = _ALPHABET[rest] + stamp
    return prefix + stamp + "".join(secrets.choice(_ALPHABET) for _ in range(16))
