"""Accounts (scrypt) and the policy taxonomy validation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.domain.people import (
    AccountError,
    Accounts,
    AuthError,
    Role,
    hash_password,
    verify_password,
)
from app.domain.policies import PolicyError, PolicySet, load_policies
from app.log.paths import resources_dir
from app.log.store import LocalStore


def test_password_hash_is_salted_scrypt() -> None:
    one, two = hash_password("correct horse"), hash_password("correct horse")
    assert one != two and one.startswith("scrypt$")
    assert verify_password("correct horse", one) and not verify_password("wrong horse", one)
    assert not verify_password("x", "garbage")


def test_login_right_and_wrong(store: LocalStore) -> None:
    accounts = Accounts(store)
    accounts.add("maya", "s3cret-pass", "moderator", "Maya", ("child_safety",))
    reviewer = accounts.authenticate("maya", "s3cret-pass")
    assert reviewer.role is Role.MODERATOR and reviewer.clearances == {"child_safety"}
    with pytest.raises(AuthError, match="wrong user name or password"):
        accounts.authenticate("maya", "not-it")
    with pytest.raises(AuthError):
        accounts.authenticate("nobody", "s3cret-pass")


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("maya", "s3cret-pass", "moderator", "already exists"),
        ("bad name", "s3cret-pass", "lead", "user name"),
        ("x", "short", "lead", "at least 8"),
        ("y", "long-enough", "admin", "role"),
    ],
)
def test_bad_accounts_are_refused(
    store: LocalStore, name: str, password: str, role: str, message: str
) -> None:
    Accounts(store).add("maya", "s3cret-pass", "moderator")
    with pytest.raises(AccountError, match=message):
        Accounts(store).add(name, password, role)


def test_bundled_policies_cover_the_taxonomy(policies: PolicySet) -> None:
    assert set(policies.ids()) == {
        "violent_graphic",
        "self_harm",
        "hate_speech",
        "bullying_harassment",
        "adult_nudity",
        "child_safety",
        "spam_scams",
        "misinformation",
    }
    assert policies["child_safety"].clearance == "child_safety"
    for policy in policies:
        assert len(policy.severity_labels) == 4 and policy.actions
        assert len({a.key for a in policy.actions}) == len(policy.actions)


def _broken_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "policies"
    shutil.copytree(resources_dir() / "policies", folder)
    path = folder / "hate_speech.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))
    return folder


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["actions"][2]["requires"].append("evidnce"),
            r"hate_speech.json: actions\[2\].requires\[2\]: unknown field 'evidnce'",
        ),
        (lambda d: d.pop("queue"), "hate_speech.json: top level: missing key 'queue'"),
        (lambda d: d.update(graphic="yes"), "hate_speech.json: graphic: expected true or false"),
        (lambda d: d.update(colour="red"), "hate_speech.json: top level: unknown key 'colour'"),
        (lambda d: d["severity"].pop(1), "hate_speech.json: severity: levels must be"),
    ],
)
def test_bad_policy_names_file_and_key(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PolicyError, match=message):
        load_policies(_broken_copy(tmp_path, edit))


def test_policy_that_is_not_json(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{ nope")
    with pytest.raises(PolicyError, match="x.json: line 1: not valid JSON"):
        load_policies(tmp_path)
