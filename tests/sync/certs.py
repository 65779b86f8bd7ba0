"""Test certificates made with the openssl command: a private CA, a hub certificate it
signed for 127.0.0.1, and a self-signed certificate of an impostor."""

from __future__ import annotations

import hashlib
import os
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.hub.tls import ServerTls

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
_HUB_EXTENSIONS = """\
subjectAltName = IP:127.0.0.1, DNS:localhost
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
"""


@dataclass(frozen=True)
class Certs:
    """ca: the CA certificate a workstation trusts with --ca-file; hub: the certificate
    and key it signed; impostor: a self-signed certificate and key for the same address."""

    ca: Path
    hub: ServerTls
    impostor: ServerTls


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _self_signed(folder: Path, name: str, subject: str, *extra: str) -> ServerTls:
    key, cert = folder / f"{name}.key", folder / f"{name}.pem"
    _openssl("req", "-x509", *_EC, "-keyout", key.name, "-out", cert.name, "-days", "2",
             "-subj", subject, *extra, cwd=folder)  # fmt: skip
    os.chmod(key, 0o600)
    return ServerTls(cert, key)


def make_certs(folder: Path) -> Certs:
    """A CA, a hub certificate for 127.0.0.1 signed by it, and an impostor's."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = _self_signed(
        folder, "ca", "/CN=Veil test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    (folder / "hub.ext").write_text(_HUB_EXTENSIONS, encoding="utf-8")
    _openssl("req", *_EC, "-keyout", "hub.key", "-out", "hub.csr", "-subj", "/CN=127.0.0.1",
             cwd=folder)  # fmt: skip
    _openssl("x509", "-req", "-in", "hub.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "hub.pem", "-days", "2", "-extfile", "hub.ext",
             cwd=folder)  # fmt: skip
    os.chmod(folder / "hub.key", 0o600)
    impostor = _self_signed(
        folder, "impostor", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
    )
    return Certs(ca.cert, ServerTls(folder / "hub.pem", folder / "hub.key"), impostor)


def fingerprint(cert: Path) -> str:
    """The certificate's SHA-256 the way `openssl x509 -fingerprint -sha256` prints it."""
    der = ssl.PEM_cert_to_DER_cert(cert.read_text(encoding="ascii"))
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
