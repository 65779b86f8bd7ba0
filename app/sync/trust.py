"""Which hub a workstation trusts: TLS verification, certificate pinning, the http:// rule.

A hub link's trust settings (kept beside its URL in `hub.json`, see app/sync/link.py):

- `ca_file`: a PEM file of the certificate authority (or the self-signed certificate)
  that signed the hub's certificate. When set, only that file is trusted for the hub,
  not the system's certificate authorities.
- `pin_sha256`: the SHA-256 of the hub's certificate (DER form, as
  `openssl x509 -noout -fingerprint -sha256` prints it). The TLS handshake is checked
  against it before a single byte of a request is sent. A pin alone trusts exactly that
  certificate (a self-signed hub needs nothing else); with `ca_file` both must hold.
- `allow_insecure_http`: plain http:// is refused for any hub that is not on this
  machine (loopback), since tokens, passwords and media would cross the network in
  clear text, unless this is true.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
FIELDS = ("ca_file", "pin_sha256", "allow_insecure_http")


class TrustError(Exception):
    """The workstation will not talk to that hub as configured (the message says why)."""


class PinMismatch(ssl.SSLCertVerificationError):
    """The hub presented a certificate whose SHA-256 is not the pinned one."""


def normalize_pin(text: str, field: str = "pin_sha256") -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits; colons and case are accepted
    (`AB:CD:...` as openssl prints it). TrustError naming field otherwise."""
    pin = text.strip().replace(":", "").lower()
    if not _HEX64.match(pin):
        raise TrustError(
            f"{field}: a certificate pin is the SHA-256 of the hub's DER certificate, "
            f"64 hex digits (colons allowed); got {text!r}"
        )
    return pin


def is_loopback(host: str) -> bool:
    """Whether host names this machine (localhost, 127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class HubTrust:
    """How a workstation checks the hub it talks to (see the module doc)."""

    ca_file: str | None = None
    pin_sha256: str | None = None
    allow_insecure_http: bool = False

    @classmethod
    def from_settings(cls, raw: Any, where: str = "hub.json") -> HubTrust:
        """The settings kept in where (a dict, or None for the defaults), validated:
        TrustError naming the field and the rule when one is wrong."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise TrustError(f"{where}: tls must be an object with {', '.join(FIELDS)}")
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise TrustError(f"{where}: tls.{unknown[0]} is not a setting ({', '.join(FIELDS)})")
        ca_file = raw.get("ca_file")
        if ca_file is not None and (not isinstance(ca_file, str) or not ca_file.strip()):
            raise TrustError(f"{where}: tls.ca_file must be a file path or null")
        pin = raw.get("pin_sha256")
        if pin is not None:
            if not isinstance(pin, str):
                raise TrustError(f"{where}: tls.pin_sha256 must be 64 hex digits or null")
            pin = normalize_pin(pin, f"{where}: tls.pin_sha256")
        insecure = raw.get("allow_insecure_http", False)
        if not isinstance(insecure, bool):
            raise TrustError(f"{where}: tls.allow_insecure_http must be true or false")
        return cls(ca_file, pin, insecure)

    def settings(self) -> dict[str, Any]:
        """What from_settings reads back."""
        return {
            "ca_file": self.ca_file,
            "pin_sha256": self.pin_sha256,
            "allow_insecure_http": self.allow_insecure_http,
        }

    def check_url(self, url: str) -> None:
        """TrustError unless url is https://, or http:// to loopback, or http:// allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TrustError(f"hub URL: {url!r} is not an http:// or https:// URL with a host")
        if parts.scheme == "https":
            return
        if self.ca_file is not None or self.pin_sha256 is not None:
            raise TrustError(
                f"hub URL: --ca-file and --pin-sha256 check a TLS certificate; {url} is "
                "plain http://, use its https:// address"
            )
        if is_loopback(parts.hostname) or self.allow_insecure_http:
            return
        raise TrustError(
            f"hub URL: plain http:// is refused for a hub that is not on this machine "
            f"({parts.hostname}): passwords, tokens and media would cross the network "
            "unencrypted. Use the hub's https:// address, or pass --allow-insecure-http "
            "on a network you trust"
        )

    def ssl_context(self) -> ssl.SSLContext | None:
        """A verifying context for these settings; None for the default (system CAs)."""
        if self.ca_file is None and self.pin_sha256 is None:
            return None
        context = _HubContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.ca_file is not None:
            path = Path(self.ca_file).expanduser()
            if not path.is_file() or not os.access(path, os.R_OK):
                raise TrustError(f"ca_file: {path} is not a readable file")
            try:
                context.load_verify_locations(cafile=str(path))
            except ssl.SSLError as exc:
                raise TrustError(f"ca_file: {path} holds no PEM certificate ({exc})") from None
        else:
            # The pin is the trust anchor: exactly that certificate, whoever signed it.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        context.pin_sha256 = self.pin_sha256
        return context


def certificate_sha256(der: bytes) -> str:
    """The pin of a DER certificate: its SHA-256 as 64 lowercase hex digits."""
    return hashlib.sha256(der).hexdigest()


class _PinnedSocket(ssl.SSLSocket):
    """An SSLSocket that checks the peer certificate against its context's pin as soon as
    the handshake is done, before the caller can send anything."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        pin = getattr(self.context, "pin_sha256", None)
        if pin is None:
            return
        der = self.getpeercert(binary_form=True)
        got = certificate_sha256(der) if der else ""
        if not hmac.compare_digest(got, pin):
            raise PinMismatch(
                f"the hub's certificate has SHA-256 {got or '(none)'}, not the pinned "
                f"{pin}: it is not the hub this workstation trusts (nothing was sent)"
            )


class _HubContext(ssl.SSLContext):
    """SSLContext whose sockets check a pinned certificate."""

    sslsocket_class = _PinnedSocket
    pin_sha256: str | None = None
