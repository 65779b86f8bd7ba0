"""Workstations and a hub over TLS: `veil hub serve --tls-cert/--tls-key`, a private CA
(--ca-file), a pinned certificate (--pin-sha256) and the plain-http:// rule.

The TLS hubs here serve the session hub's database (SQLite file or PostgreSQL), so cases
come in through the session hub and the workstations talk to the TLS one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.hub.process import HubProcess
from app.sync.client import HubClient, HubUntrusted
from app.sync.link import HubLink
from app.sync.trust import HubTrust
from db.hub.models import Event, Token
from widgets.shell.main import main as veil

from .certs import Certs, fingerprint, make_certs
from .stations import PASSWORD, Account, TeamOnHub

FAR_HUB = "http://192.0.2.10:8765"  # TEST-NET-1: never this machine, never dialled here


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `veil argv...` in this process; (exit status, stdout, stderr)."""
    status = veil(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def login(
    capsys: pytest.CaptureFixture[str], folder: Path, url: str, who: Account, *trust: str
) -> tuple[int, str, str]:
    """`veil hub login url` for who with the trust flags given."""
    return run(
        capsys, "--data-dir", str(folder), "hub", "login", url, "--user", who.username,
        "--password", PASSWORD, *trust,
    )  # fmt: skip


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A CA, the hub's certificate it signed, and an impostor's self-signed one."""
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="session")
def tls_hub(
    hub: HubProcess, certs: Certs, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubProcess]:
    """A hub serving HTTPS (certificate signed by the test CA) on the session database."""
    process = HubProcess(
        hub.db_url, tmp_path_factory.mktemp("tls-logs"), tls=certs.hub, ca_file=certs.ca
    ).start()
    yield process
    process.stop()


def tokens_of(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).where(Token.username == username)) or 0)


def events_by(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).where(Event.actor == username)) or 0)


def test_two_workstations_sync_over_https_with_a_private_ca(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    tls_hub: HubProcess,
    hub_engine: Engine,
    team: TeamOnHub,
    certs: Certs,
) -> None:
    assert tls_hub.base_url.startswith("https://")
    mod = team.user("moderator")
    (case,) = team.cases(1)
    one, two = tmp_path / "one", tmp_path / "two"
    # Without the CA the hub's certificate is nobody's: refused, with what to do about it.
    status, _out, err = login(capsys, tmp_path / "plain", tls_hub.base_url, mod)
    assert status == 1 and "does not trust" in err and "--ca-file" in err
    for folder, who in ((one, mod), (two, team.lead)):
        status, out, err = login(capsys, folder, tls_hub.base_url, who, "--ca-file", str(certs.ca))
        assert status == 0, err
        assert f"logged in to {tls_hub.base_url}" in out
    saved = json.loads((one / "hub.json").read_text(encoding="utf-8"))
    assert saved["url"] == tls_hub.base_url
    assert saved["tls"] == {
        "ca_file": str(certs.ca),
        "pin_sha256": None,
        "allow_insecure_http": False,
    }
    assert run(capsys, "--data-dir", str(one), "sync")[0] == 0
    decided = run(capsys, "--data-dir", str(one), "cases", "decide", case, "no_violation")
    assert decided[0] == 0, decided[2]
    assert run(capsys, "--data-dir", str(one), "sync")[0] == 0
    assert events_by(hub_engine, mod.username) > 0  # it crossed over HTTPS
    status, out, err = run(capsys, "--data-dir", str(two), "sync")
    assert status == 0, err
    status, out, _ = run(capsys, "--data-dir", str(two), "cases", "list", "--status", "decided")
    assert status == 0 and case in out and "no_violation" in out
    verify = ("audit", "verify", "--hub", tls_hub.base_url, "--user", team.lead.username)
    status, out, err = run(
        capsys, "--data-dir", str(two), *verify, "--password", PASSWORD, "--ca-file", str(certs.ca)
    )
    assert status == 0, out + err


def test_a_pinned_certificate_is_checked_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    tls_hub: HubProcess,
    hub_engine: Engine,
    team: TeamOnHub,
    certs: Certs,
) -> None:
    mod, other = team.user("moderator"), team.user("moderator")
    (case,) = team.cases(1)
    pin = fingerprint(certs.hub.cert)  # AB:CD:... as openssl prints it
    impostor = HubProcess(tls_hub.db_url, tmp_path, tls=certs.impostor).start()
    try:
        # The impostor answers at a hub address with its own certificate: no login is sent.
        before = tokens_of(hub_engine, other.username)
        status, _out, err = login(
            capsys, tmp_path / "fooled", impostor.base_url, other, "--pin-sha256", pin
        )
        assert status == 1
        assert "not the pinned" in err and "nothing was sent" in err
        assert tokens_of(hub_engine, other.username) == before
        # The pin alone is enough to trust the real hub (no CA file).
        one = tmp_path / "one"
        status, _out, err = login(capsys, one, tls_hub.base_url, mod, "--pin-sha256", pin)
        assert status == 0, err
        assert (
            json.loads((one / "hub.json").read_text())["tls"]["pin_sha256"]
            == pin.replace(":", "").lower()
        )
        assert run(capsys, "--data-dir", str(one), "sync")[0] == 0
        assert run(capsys, "--data-dir", str(one), "cases", "decide", case, "no_violation")[0] == 0
        # The hub's address now leads to the impostor: the decision stays here, unsent.
        link = one / "hub.json"
        data = json.loads(link.read_text(encoding="utf-8"))
        data["url"] = impostor.base_url
        link.write_text(json.dumps(data), encoding="utf-8")
        before = events_by(hub_engine, mod.username)
        status, _out, err = run(capsys, "--data-dir", str(one), "sync")
        assert status == 1 and "not the pinned" in err
        assert events_by(hub_engine, mod.username) == before
        status, out, _ = run(capsys, "--data-dir", str(one), "hub", "status")
        assert "wait to be sent" in out
    finally:
        impostor.stop()


def test_plain_http_to_another_machine_is_refused_unless_allowed(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    hub: HubProcess,
    team: TeamOnHub,
    certs: Certs,
) -> None:
    mod = team.user("moderator")
    folder = tmp_path / "ws"
    status, _out, err = login(capsys, folder, FAR_HUB, mod)
    assert status == 1
    assert "plain http:// is refused" in err and "--allow-insecure-http" in err
    assert HubLink(folder).url is None  # not bound either
    status, _out, err = login(capsys, folder, FAR_HUB, mod, "--ca-file", str(certs.ca))
    assert status == 1 and "https://" in err
    with pytest.raises(HubUntrusted, match="allow-insecure-http"):
        HubClient(FAR_HUB)
    HubClient(FAR_HUB, trust=HubTrust(allow_insecure_http=True)).close()
    allowed = HubLink(tmp_path / "allowed")
    allowed.path.parent.mkdir()
    allowed.bind(FAR_HUB, store_has_own_work=False, trust=HubTrust(allow_insecure_http=True))
    assert allowed.url == FAR_HUB and allowed.trust.allow_insecure_http
    # This machine's own hub over http:// (loopback) needs no flag.
    status, _out, err = login(capsys, folder, hub.base_url, mod)
    assert status == 0, err


def test_trust_settings_are_checked_when_read(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    tls_hub: HubProcess,
    team: TeamOnHub,
    certs: Certs,
) -> None:
    mod = team.user("moderator")
    folder = tmp_path / "ws"
    assert login(capsys, folder, tls_hub.base_url, mod, "--ca-file", str(certs.ca))[0] == 0
    link = folder / "hub.json"
    good = json.loads(link.read_text(encoding="utf-8"))
    for tls, named in (
        ({**good["tls"], "pin_sha256": "nonsense"}, "tls.pin_sha256"),
        ({**good["tls"], "allow_insecure_http": "yes"}, "tls.allow_insecure_http"),
        ({**good["tls"], "verify": False}, "tls.verify"),
        ({**good["tls"], "ca_file": str(tmp_path / "gone.pem")}, "ca_file"),
    ):
        link.write_text(json.dumps({**good, "tls": tls}), encoding="utf-8")
        status, _out, err = run(capsys, "--data-dir", str(folder), "sync")
        assert status == 1 and named in err, err
    status, _out, err = run(
        capsys, "--data-dir", str(folder), "hub", "login", tls_hub.base_url,
        "--user", mod.username, "--password", PASSWORD, "--pin-sha256", "12:34",
    )  # fmt: skip
    assert status == 1 and "--pin-sha256" in err and "64 hex digits" in err


def test_serve_checks_the_certificate_and_key_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, certs: Certs
) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    serve = ("hub", "serve", "--db", db, "--port", "1")
    status, _out, err = run(capsys, *serve, "--tls-cert", str(certs.hub.cert))
    assert status == 2 and "--tls-key" in err
    missing = tmp_path / "missing.pem"
    status, _out, err = run(capsys, *serve, "--tls-cert", str(missing), "--tls-key", "k")
    assert status == 2 and str(missing) in err and "does not exist" in err
    loose = tmp_path / "loose.key"
    loose.write_bytes(certs.hub.key.read_bytes())
    os.chmod(loose, 0o644)
    status, _out, err = run(
        capsys, *serve, "--tls-cert", str(certs.hub.cert), "--tls-key", str(loose)
    )
    assert status == 2 and str(loose) in err and "chmod 600" in err
    wrong = certs.impostor.key
    status, _out, err = run(
        capsys, *serve, "--tls-cert", str(certs.hub.cert), "--tls-key", str(wrong)
    )
    assert status == 2 and "private key" in err
