"""Media on the hub: a blob is read by possession and clearance only, unknown and forbidden
blobs answer alike, uploads are checked before their body is read, unreferenced blobs
expire, and payloads are capped per kind."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, text

from app.domain.kinds import EventKind
from app.log.events import uuid7
from app.sync.engine import fetch_media
from db.hub.engine import make_engine, read_transaction, upgrade, write_transaction
from db.hub.models import Blob, BlobUpload, CaseMedia
from tests.sync.stations import Station, TeamOnHub

from .conftest import SpawnHub
from .hubproc import HubProcess, create_pg_database, drop_pg_database
from .test_access import media
from .test_limits import raw
from .test_sync import pull_all
from .world import Member, Team, case_spec, event_count

CS = "child_safety"


def restricted_blob(team: Team) -> tuple[Member, bytes, str]:
    """A cleared lead who uploaded an image and brought it in as a child-safety case."""
    lead = team.member("lead", (CS,))
    data = f"restricted image {uuid.uuid4()}".encode() * 40
    lead.client.put_blob(hashlib.sha256(data).hexdigest(), data)
    team.cases(lead, clearance=CS, media=[media(data)])
    return lead, data, hashlib.sha256(data).hexdigest()


def pushed_case(member: Member, team: str, sha_media: dict[str, Any]) -> str:
    """member pushes a case.ingested event of their own (open case) naming sha_media."""
    case_id = uuid7()
    spec = {**case_spec(media=[sha_media]), "team": team}
    event = member.device.event(EventKind.CASE_INGESTED, case_id, **spec)
    member.client.push(member.device.device_id, [event])
    return case_id


def test_restricted_media_cannot_be_claimed_by_naming_its_hash(
    team: Team, hub_engine: Engine
) -> None:
    _lead, data, sha = restricted_blob(team)
    analyst = team.member("analyst")
    assert raw(analyst, "GET", f"/v1/blobs/{sha}").status_code == 404
    before = event_count(hub_engine)
    answer = raw(analyst, "POST", "/v1/intake", json={"cases": [case_spec(media=[media(data)])]})
    assert answer.status_code == 422, "a case of one's own names only media one uploaded"
    assert "media not uploaded" in answer.json()["detail"] and sha in answer.json()["missing"]
    assert event_count(hub_engine) == before
    # A case.ingested pushed from a device is kept, but its attachment serves nothing.
    case_id = pushed_case(analyst, team.name, media(data))
    assert case_id in {e.case_id for e in pull_all(analyst.client)[0]}
    assert raw(analyst, "GET", f"/v1/blobs/{sha}").status_code == 404
    with read_transaction(hub_engine) as conn:
        row = conn.execute(select(CaseMedia).where(CaseMedia.case_id == case_id)).one()
    assert (row.attached_by, row.entitled) == (analyst.username, False)


def test_unknown_and_forbidden_blobs_get_the_same_answer(team: Team) -> None:
    _lead, data, sha = restricted_blob(team)
    analyst = team.member("analyst")
    unknown_data = f"never uploaded {uuid.uuid4()}".encode()
    unknown = hashlib.sha256(unknown_data).hexdigest()
    forbidden_get = raw(analyst, "GET", f"/v1/blobs/{sha}")
    unknown_get = raw(analyst, "GET", f"/v1/blobs/{unknown}")
    assert forbidden_get.status_code == unknown_get.status_code == 404
    assert forbidden_get.content == unknown_get.content
    forbidden_intake = raw(
        analyst, "POST", "/v1/intake", json={"cases": [case_spec(media=[media(data)])]}
    )
    unknown_intake = raw(
        analyst, "POST", "/v1/intake", json={"cases": [case_spec(media=[media(unknown_data)])]}
    )
    assert forbidden_intake.status_code == unknown_intake.status_code == 422
    assert forbidden_intake.json()["detail"].replace(sha, "?") == unknown_intake.json()[
        "detail"
    ].replace(unknown, "?")
    # Uploading bytes the hub already holds does not tell whether it held them.
    assert team.member("analyst").client.put_blob(sha, data) is True


def test_possession_or_sight_entitles_an_attachment(team: Team) -> None:
    lead, data, sha = restricted_blob(team)
    # A cleared colleague may read it through the lead's case, so may attach it unuploaded.
    colleague = team.member("analyst", (CS,))
    assert colleague.client.get_blob(sha) == data
    team.cases(colleague, clearance=CS, media=[media(data)])
    # Someone holding the bytes proves it by uploading them; their open case serves it.
    holder = team.member("analyst")
    holder.client.put_blob(sha, data)
    team.cases(holder, media=[media(data)])
    assert holder.client.get_blob(sha) == data
    # Now an open case serves it: anyone of the team may read it, and so attach it.
    other = team.member("moderator")
    assert other.client.get_blob(sha) == data


def test_a_pushed_case_serves_its_media_once_its_author_uploads_it(team: Team) -> None:
    _lead, data, sha = restricted_blob(team)
    analyst = team.member("analyst")
    pushed_case(analyst, team.name, media(data))
    moderator = team.member("moderator")
    assert raw(moderator, "GET", f"/v1/blobs/{sha}").status_code == 404
    analyst.client.put_blob(sha, data)
    assert moderator.client.get_blob(sha) == data


def test_prefetch_does_not_fetch_media_its_case_was_not_entitled_to(
    hub: HubProcess, hub_engine: Engine, policies: Any, tmp_path: Path
) -> None:
    world = TeamOnHub(hub.base_url, hub_engine)
    try:
        lead_client = world.client(world.lead)
        data = f"restricted image {uuid.uuid4()}".encode() * 40
        sha = hashlib.sha256(data).hexdigest()
        lead_client.put_blob(sha, data)
        world.cases(media=[media(data)], clearance=CS, category="child_safety")
        open_data = f"open image {uuid.uuid4()}".encode() * 40
        open_sha = hashlib.sha256(open_data).hexdigest()
        lead_client.put_blob(open_sha, open_data)
        world.cases(media=[media(open_data)])
        # An analyst's own device brings in an open case naming the restricted blob.
        analyst = Team(hub.base_url, hub_engine, name=world.name)
        try:
            pushed_case(analyst.member("analyst"), world.name, media(data))
        finally:
            analyst.close()
        station = Station(tmp_path / "ws", hub.base_url, policies)
        try:
            moderator = station.adopt(world.user("moderator"))
            report = station.sync(moderator.username)
            assert station.store.blobs.has(open_sha)
            assert not station.store.blobs.has(sha), "prefetch asks the hub, which says 404"
            assert report.media == 1
            client = station.engine.authorized(moderator.username)
            assert fetch_media(client, station.store, [sha]) == 0
        finally:
            station.close()
    finally:
        world.close()


def _early_status(member: Member, head: str, first: bytes, timeout: float = 5.0) -> int | None:
    """Send a request head and the start of a body, then wait: the status the hub answers
    with before the rest arrives, or None when it waits for the body."""
    url = httpx.URL(str(member.client._http.base_url))
    with socket.create_connection((url.host, url.port or 80), timeout=timeout) as sock:
        lines = [head, f"Host: {url.host}", f"Authorization: Bearer {member.client.token}"]
        sock.sendall(("\r\n".join(lines) + "\r\n").encode() + first)
        try:
            answer = sock.recv(4096)
        except TimeoutError:
            return None
    return int(answer.split()[1]) if answer else None


def test_blob_upload_is_refused_before_its_body_is_read(team: Team) -> None:
    moderator, analyst = team.member("moderator"), team.member("analyst")
    sha = "a" * 64
    declared = f"PUT /v1/blobs/{sha} HTTP/1.1\r\nContent-Length: {50 << 20}"
    chunked = f"PUT /v1/blobs/{sha} HTTP/1.1\r\nTransfer-Encoding: chunked"
    start = b"\r\n" + b"\0" * 65536
    assert _early_status(moderator, declared, start) == 403
    assert _early_status(moderator, chunked, b"\r\n10000\r\n" + b"\0" * 65536 + b"\r\n") == 403
    bad_name = f"PUT /v1/blobs/not-a-sha HTTP/1.1\r\nContent-Length: {50 << 20}"
    assert _early_status(analyst, bad_name, start) == 422

    def chunks(n: int) -> Iterator[bytes]:
        for _ in range(n):
            yield b"\1" * (1 << 20)

    data = b"\1" * (3 << 20)
    streamed = raw(analyst, "PUT", f"/v1/blobs/{hashlib.sha256(data).hexdigest()}",
                   content=chunks(3))  # fmt: skip
    assert streamed.status_code == 200 and streamed.json()["size"] == len(data)
    capped = raw(analyst, "PUT", f"/v1/blobs/{sha}", content=chunks(65))
    assert capped.status_code == 413 and "at most" in capped.json()["detail"]


def test_payloads_over_their_kinds_limit_are_refused(team: Team, hub_engine: Engine) -> None:
    analyst = team.member("analyst")
    (case_id,) = team.cases(analyst)
    before = event_count(hub_engine)
    note = analyst.device.event(EventKind.NOTE_ADDED, case_id, text="n" * (40 << 10))
    answer = raw(
        analyst,
        "POST",
        "/v1/events/push",
        json={"device_id": analyst.device.device_id, "events": [note.to_wire()]},
    )
    assert answer.status_code == 413
    assert "note.added" in answer.json()["detail"] and "32768" in answer.json()["detail"]
    # Every field within its own rule; the whole over case.ingested's 256 KiB.
    frames = [{"frame": n, "hash": f"{n:016x}"} for n in range(8000)]
    ref = {"sha256": "ab" * 32, "kind": "image", "mime": "image/png", "filename": "a.png"}
    big = case_spec(media=[{**ref, "size": 1, "phash": frames}])
    answer = raw(analyst, "POST", "/v1/intake", json={"cases": [big]})
    assert answer.status_code == 413 and "case.ingested" in answer.json()["detail"]
    assert event_count(hub_engine) == before


def _blobs(engine: Engine) -> set[str]:
    with read_transaction(engine) as conn:
        return set(conn.scalars(select(Blob.sha256)))


def _uploads(engine: Engine, sha: str) -> list[str]:
    with read_transaction(engine) as conn:
        return list(conn.scalars(select(BlobUpload.username).where(BlobUpload.sha256 == sha)))


def test_unreferenced_blobs_expire_in_the_background(private_hub: SpawnHub) -> None:
    process, engine = private_hub(env={"VEIL_HUB_BLOB_GRACE": "1"})
    world = Team(process.base_url, engine)
    try:
        analyst = world.member("analyst")
        kept_data, dropped_data = f"kept {uuid.uuid4()}".encode(), f"gone {uuid.uuid4()}".encode()
        kept, dropped = (hashlib.sha256(d).hexdigest() for d in (kept_data, dropped_data))
        analyst.client.put_blob(kept, kept_data)
        analyst.client.put_blob(dropped, dropped_data)
        world.cases(analyst, media=[media(kept_data)])
        deadline = time.monotonic() + 20
        while dropped in _blobs(engine) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert dropped not in _blobs(engine) and _uploads(engine, dropped) == []
        assert kept in _blobs(engine) and analyst.client.get_blob(kept) == kept_data
        # Uploading the bytes again stores them anew.
        assert analyst.client.put_blob(dropped, dropped_data) is True
    finally:
        world.close()


def test_blobs_sweep_command(private_hub: SpawnHub, capsys: pytest.CaptureFixture[str]) -> None:
    from widgets.shell.main import main as veil

    process, engine = private_hub()
    world = Team(process.base_url, engine)
    try:
        analyst = world.member("analyst")
        data = f"unused {uuid.uuid4()}".encode()
        sha = hashlib.sha256(data).hexdigest()
        analyst.client.put_blob(sha, data)
        assert veil(["hub", "blobs", "sweep", "--db", process.db_url, "--grace", "3600"]) == 0
        assert sha in _blobs(engine)
        time.sleep(0.05)
        assert veil(["hub", "blobs", "sweep", "--db", process.db_url, "--grace", "0.01"]) == 0
        out = capsys.readouterr().out
        assert sha not in _blobs(engine) and "unreferenced blob(s) removed" in out
        assert veil(["hub", "blobs", "sweep", "--db", process.db_url, "--grace", "0"]) == 2
        assert "--grace" in capsys.readouterr().err
    finally:
        world.close()


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the session's engine."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = create_pg_database()
    yield url
    drop_pg_database(url)


def test_migration_fills_attachments_from_the_log(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        upgrade(engine, "0002")
        x = "ab" * 32
        with write_transaction(engine) as conn:
            people = [("lee", f'["{CS}"]'), ("ann", "[]"), ("bo", f'["{CS}"]')]
            for name, clearances in people:
                conn.execute(
                    text("INSERT INTO users VALUES (:u, 't', 'analyst', :c, 'x', :f, 0)"),
                    {"u": name, "c": clearances, "f": False},
                )
            conn.execute(text("INSERT INTO blobs VALUES (:s, 1, :d, 5)"), {"s": x, "d": b"x"})
            cases = [("c1", "lee", CS), ("c2", "ann", None), ("c3", "bo", CS)]
            for seq, (case_id, actor, clearance) in enumerate(cases, start=1):
                conn.execute(
                    text(
                        "INSERT INTO events (server_seq, event_id, device_id, device_seq, actor,"
                        " kind, case_id, payload, created_at, prev_hash, hash, team, clearance,"
                        " global_prev_hash, global_hash, received_at) VALUES (:q, :e, 'd', :q,"
                        " :a, 'case.ingested', :c, '{}', 'now', 'p', 'h', 't', :l, 'g', 'g', 0)"
                    ),
                    {"q": seq, "e": f"e{seq}", "a": actor, "c": case_id, "l": clearance},
                )
                conn.execute(
                    text(
                        "INSERT INTO cases (case_id, team, external_id, category, clearance,"
                        " queue, severity, status, ingested_seq) VALUES"
                        " (:c, 't', :c, 'x', :l, 'q', 1, 'open', :q)"
                    ),
                    {"c": case_id, "l": clearance, "q": seq},
                )
                conn.execute(text("INSERT INTO case_media VALUES (:c, :s)"), {"c": case_id, "s": x})
        upgrade(engine)
        with read_transaction(engine) as conn:
            rows = conn.execute(
                select(CaseMedia.case_id, CaseMedia.attached_by, CaseMedia.entitled).order_by(
                    CaseMedia.case_id
                )
            ).all()
            uploads = conn.execute(select(BlobUpload.sha256, BlobUpload.username)).all()
            uploaded_at = conn.scalar(select(Blob.uploaded_at))
        # The first case brought the blob; ann could not see it, bo could.
        assert [tuple(r) for r in rows] == [
            ("c1", "lee", True),
            ("c2", "ann", False),
            ("c3", "bo", True),
        ]
        assert [tuple(u) for u in uploads] == [(x, "lee")] and uploaded_at == 5
    finally:
        engine.dispose()
