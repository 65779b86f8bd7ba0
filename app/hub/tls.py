"""Serving the hub over TLS: the certificate and key files, checked before uvicorn starts.

`veil hub serve --tls-cert FILE --tls-key FILE` hands both to uvicorn (its ssl_certfile
and ssl_keyfile). Each is checked first so a mistake is one clear line naming the file:
it must exist and be readable, the key must not be readable by every user of the
machine, and the pair must load as a certificate chain with its private key.
"""

from __future__ import annotations

import os
import ssl
import stat
from dataclasses import dataclass
from pathlib import Path


class TlsSetupError(Exception):
    """The TLS certificate or key cannot be used (the message names the file and why)."""


@dataclass(frozen=True)
class ServerTls:
    """The hub's certificate chain (PEM) and its private key (PEM)."""

    cert: Path
    key: Path


def server_tls(cert: str | None, key: str | None) -> ServerTls | None:
    """The checked pair, or None when neither was given (plain HTTP)."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        given, missing = ("--tls-cert", "--tls-key") if key is None else ("--tls-key", "--tls-cert")
        raise TlsSetupError(f"{missing}: {given} was given, the hub needs both to serve TLS")
    cert_path = _readable("--tls-cert", cert)
    key_path = _readable("--tls-key", key)
    mode = key_path.stat().st_mode
    if mode & stat.S_IROTH:
        raise TlsSetupError(
            f"--tls-key: {key_path} is readable by every user of this machine (mode "
            f"{stat.S_IMODE(mode):o}); make it owner-only: chmod 600 {key_path}"
        )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(cert_path), str(key_path))
    except ssl.SSLError as exc:
        raise TlsSetupError(
            f"--tls-cert/--tls-key: {cert_path} and {key_path} are not a PEM certificate "
            f"and its private key ({exc.reason or exc})"
        ) from None
    return ServerTls(cert_path, key_path)


def _readable(flag: str, name: str) -> Path:
    path = Path(name).expanduser().resolve()
    if not path.exists():
        raise TlsSetupError(f"{flag}: {path} does not exist")
    if not path.is_file():
        raise TlsSetupError(f"{flag}: {path} is not a file")
    if not os.access(path, os.R_OK):
        raise TlsSetupError(f"{flag}: {path} is not readable by this user")
    return path
