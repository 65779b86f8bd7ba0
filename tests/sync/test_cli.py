"""The headless commands: veil hub ..., veil sync, veil cases ..., veil import --hub."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from app.hub.process import HubProcess, free_port
from app.log.paths import resources_dir
from widgets.shell.main import main as veil

from .stations import PASSWORD, Account, TeamOnHub


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `veil argv...` in this process; (exit status, stdout, stderr)."""
    status = veil(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def login(capsys: pytest.CaptureFixture[str], folder: Path, url: str, who: Account) -> None:
    """`veil hub login` for who, which must succeed."""
    status, out, err = run(
        capsys, "--data-dir", str(folder), "hub", "login", url, "--user", who.username,
        "--password", PASSWORD,
    )  # fmt: skip
    assert status == 0, err
    assert f"{who.username} ({who.role}) logged in" in out


def test_hub_users_are_added_and_disabled_on_the_hub_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    add = ("hub", "user", "add", "lee", "--role", "lead", "--team", "t1", "--db", db)
    assert run(capsys, *add, "--clearance", "child_safety", "--password", PASSWORD)[0] == 0
    status, _out, err = run(capsys, *add, "--password", PASSWORD)
    assert status == 1 and "exists" in err
    assert run(capsys, "hub", "user", "add", "x", "--role", "lead", "--db", db,
               "--password", "short")[0] == 1  # fmt: skip
    assert run(capsys, "hub", "user", "disable", "lee", "--db", db)[0] == 0
    assert run(capsys, "hub", "user", "disable", "nobody", "--db", db)[0] == 1


def test_log_in_decide_sync_and_adjudicate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    mod, analyst = team.user("moderator"), team.user("analyst")
    (case,) = team.cases(1)
    one, two, lead = tmp_path / "one", tmp_path / "two", tmp_path / "lead"
    for folder, who in ((one, mod), (two, analyst), (lead, team.lead)):
        login(capsys, folder, hub.base_url, who)
    assert (one / "hub.json").stat().st_mode & 0o777 == 0o600
    for folder in (one, two):
        assert run(capsys, "--data-dir", str(folder), "sync")[0] == 0
    status, out, _ = run(capsys, "--data-dir", str(one), "cases", "list", "--json")
    assert status == 0 and [json.loads(line)["case_id"] for line in out.splitlines()] == [case]
    for folder in (one, two):
        decided = run(capsys, "--data-dir", str(folder), "cases", "decide", case, "no_violation")
        assert decided[0] == 0 and "decided" in decided[1]
    for folder in (one, two, lead):
        assert run(capsys, "--data-dir", str(folder), "sync")[0] == 0
    status, out, _ = run(capsys, "--data-dir", str(lead), "cases", "list", "--status", "conflict")
    assert case in out
    settle = ("cases", "adjudicate", case, "remove", "--rationale", "the link is phishing")
    assert run(capsys, "--data-dir", str(one), *settle)[0] == 1  # not a lead
    assert run(capsys, "--data-dir", str(lead), *settle)[0] == 0
    assert run(capsys, "--data-dir", str(lead), "sync")[0] == 0
    assert run(capsys, "--data-dir", str(one), "sync")[0] == 0
    status, out, _ = run(capsys, "--data-dir", str(one), "cases", "list", "--status", "decided")
    assert case in out and "remove" in out
    status, out, _ = run(capsys, "--data-dir", str(one), "hub", "status")
    assert status == 0 and f"{mod.username}: token valid" in out


def test_sync_with_the_hub_gone_says_so_and_keeps_everything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    mod = team.user("moderator")
    (case,) = team.cases(1)
    folder = tmp_path / "ws"
    login(capsys, folder, hub.base_url, mod)
    assert run(capsys, "--data-dir", str(folder), "sync")[0] == 0
    assert run(capsys, "--data-dir", str(folder), "cases", "decide", case, "no_violation")[0] == 0
    link = json.loads((folder / "hub.json").read_text())
    link["url"] = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    (folder / "hub.json").write_text(json.dumps(link))
    status, _out, err = run(capsys, "--data-dir", str(folder), "sync")
    assert status == 3 and "nothing is lost" in err
    status, out, _ = run(capsys, "--data-dir", str(folder), "hub", "status")
    assert "2 event(s) by" in out


def test_a_data_dir_with_offline_work_is_not_connected(
    capsys: pytest.CaptureFixture[str], demo_dir: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    who = team.user("moderator")
    status, _out, err = run(
        capsys, "--data-dir", str(demo_dir), "hub", "login", hub.base_url, "--user",
        who.username, "--password", PASSWORD,
    )  # fmt: skip
    assert status == 1 and "offline work" in err
    assert not (demo_dir / "hub.json").exists()


def test_import_into_the_hub(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(resources_dir() / "demo" / "coffee.png", media / "a.png")
    line = {
        "external_id": "r-1", "category": "spam_scams", "subcategory": "phishing",
        "severity": 3, "report_reason": "scam", "text": "win a prize",
        "reported_at": "2026-01-05T09:00:00Z", "report_count": 4, "media": ["a.png"],
    }  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(line) + "\n" + "{not json\n", encoding="utf-8")
    folder = tmp_path / "lead"
    args = ("--data-dir", str(folder), "import", str(feed), "--media", str(media))
    hub_args = ("--hub", hub.base_url, "--user", team.lead.username, "--password", PASSWORD)
    status, out, _ = run(capsys, *args, *hub_args)
    assert status == 1  # one bad line, named; the good one went in
    assert "feed.jsonl:2" in out and "1 case(s) created on the hub" in out
    status, out, _ = run(capsys, "--data-dir", str(folder), "cases", "list", "--json")
    assert json.loads(out.splitlines()[0])["title"]
    again = run(capsys, *args, *hub_args)
    assert "0 case(s) created" in again[1]


def test_hub_demo_keeps_the_new_logins_owner_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    folder = tmp_path / "lead"
    login(capsys, folder, hub.base_url, team.lead)
    status, out, err = run(capsys, "--data-dir", str(folder), "hub", "demo", "--cases", "6")
    assert status == 0, err
    saved = folder / "demo-logins.txt"
    assert saved.stat().st_mode & 0o777 == 0o600 and str(saved) in out
    printed = [line for line in out.splitlines() if re.search(r" user \S+ +password ", line)]
    assert len(printed) == 2 and all(line in saved.read_text().splitlines() for line in printed)
    assert "veil hub user passwd" in saved.read_text()
    status, out, _ = run(capsys, "--data-dir", str(folder), "hub", "demo", "--cases", "6")
    assert status == 0 and "(existed already)" in out
    assert saved.read_text().count("password mod-") == 1  # the earlier passwords are kept


def test_a_hub_person_changes_their_own_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: TeamOnHub
) -> None:
    from app.domain.people import Accounts, AuthError
    from app.log.store import LocalStore
    from app.sync.client import HubClient, HubRejected
    from app.sync.link import HubLink
    from app.sync.login import HubAccounts

    mod = team.user("moderator")
    folder, new = tmp_path / "one", "a-brand-new-password"
    login(capsys, folder, hub.base_url, mod)
    store = LocalStore(folder)
    try:
        link = HubLink(folder)
        accounts = HubAccounts(store, link)
        with pytest.raises(AuthError, match="current password is not right"):
            accounts.change_password(mod.username, "not-my-password", new)
        accounts.change_password(mod.username, PASSWORD, new)
        assert link.token(mod.username) not in (None, mod.token)  # a new token, kept here
        assert Accounts(store).authenticate(mod.username, new)  # the offline copy follows
    finally:
        store.close()
    with HubClient(hub.base_url) as client:
        with pytest.raises(HubRejected):
            client.login(mod.username, PASSWORD)
        assert client.login(mod.username, new).user.username == mod.username
    assert run(capsys, "--data-dir", str(folder), "sync")[0] == 0  # the new token works
