"""Posts and accounts as data: parsing with per-line errors, opaque signals, URL
normalization, the bulk import into an investigation and the posting account on cases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli.main import build_parser, run
from app.log.store import DB_FILENAME, LocalStore
from app.network.dataset import import_posts, load_posts
from app.network.models import NetworkCaseAccount
from app.network.posts import hash_signal, normalize_url, read_posts

GOOD = {
    "post_id": "p-1",
    "account_id": "a-1",
    "handle": "@one",
    "account_created_at": "2026-01-02T00:00:00Z",
    "posted_at": "2026-03-01T10:00:05Z",
    "text": "Buy the thing now",
    "links": ["https://www.Shop.example/deal/?utm_source=x&b=2&a=1#top"],
    "media_phash": "f0e1d2c3b4a59687",
    "reply_to": "t-9",
    "signals": {"device": "raw-device-fingerprint-123"},
}


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_a_good_row_is_parsed_with_links_normalized_and_signals_hashed(tmp_path: Path) -> None:
    report = read_posts(_jsonl(tmp_path / "posts.jsonl", [GOOD]))
    assert report.problems == []
    (row,) = report.rows
    assert row.links == ("https://shop.example/deal?a=1&b=2",)
    assert row.media_phash == 0xF0E1D2C3B4A59687
    assert row.signals["device"].startswith("sha256:")
    assert "raw-device" not in json.dumps(row.signals)
    assert row.posted_ts == pytest.approx(1772359205.0)


def test_each_bad_line_names_file_line_field_and_rule(tmp_path: Path) -> None:
    rows: list[object] = [
        GOOD,
        {**GOOD, "post_id": "p-2", "posted_at": "2026-02-30T10:00:00Z"},
        {**GOOD, "post_id": "p-3", "account_id": ""},
        {**GOOD, "post_id": "p-4", "media_phash": "xyz"},
        {**GOOD, "post_id": "p-5", "links": ["ftp://files.example/a"]},
        "{not json",
        {**GOOD, "post_id": "p-7", "signals": {"Bad Name": "x"}},
        [1, 2],
    ]
    report = read_posts(_jsonl(tmp_path / "posts.jsonl", rows))
    assert [r.post_id for r in report.rows] == ["p-1"]
    found = [str(p) for p in report.problems]
    assert found[0] == "posts.jsonl:2: posted_at: an ISO 8601 time, e.g. 2026-01-05T09:00:00Z"
    assert found[1] == "posts.jsonl:3: account_id: required"
    assert found[2] == "posts.jsonl:4: media_phash: a 64-bit perceptual hash, 16 hex digits"
    assert found[3].startswith("posts.jsonl:5: links: not an http(s) URL")
    assert found[4].startswith("posts.jsonl:6: (line): not valid JSON")
    assert found[5].startswith("posts.jsonl:7: signals: name 'Bad Name'")
    assert found[6] == "posts.jsonl:8: (line): expected an object"


def test_csv_rows_take_lists_and_signals(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "post_id,account_id,posted_at,text,links,signals,media_phash\n"
        "p-1,a-1,2026-03-01T10:00:00Z,hello,https://a.example/x;https://b.example/,"
        "device=abc;network=sha256:" + "0" * 64 + ",\n"
        "p-2,a-2,yesterday,hi,,,\n"
        "p-3,a-3,2026-03-01T10:00:00Z,hi,,device,\n"
    )
    report = read_posts(path)
    (row,) = report.rows
    assert row.links == ("https://a.example/x", "https://b.example")
    assert row.signals["network"] == "sha256:" + "0" * 64  # already hashed: kept
    assert row.signals["device"] == hash_signal("device", "abc")
    assert [str(p) for p in report.problems] == [
        "posts.csv:3: posted_at: an ISO 8601 time, e.g. 2026-01-05T09:00:00Z",
        "posts.csv:4: signals: expected name=value pairs separated by ';'",
    ]


def test_url_normalization_drops_what_says_where_a_click_came_from() -> None:
    assert normalize_url("HTTP://WWW.News.example:443/a/b/?fbclid=1&utm_medium=m") == (
        "https://news.example/a/b"
    )
    assert normalize_url("https://x.example:8080/p?z=1&a=2") == "https://x.example:8080/p?a=2&z=1"


def test_import_stores_posts_once_and_loads_them_as_columns(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    feed = _jsonl(
        tmp_path / "posts.jsonl",
        [GOOD, {**GOOD, "post_id": "p-2", "account_id": "a-2", "media_phash": None}],
    )
    first = import_posts(store, "spring", feed)
    again = import_posts(store, "spring", feed)
    assert (first.added, first.accounts, again.added, again.duplicates) == (2, 2, 0, 2)
    with store.read() as session:
        posts = load_posts(session, "spring")
    assert posts.accounts == ["a-1", "a-2"]
    assert posts.has_media.tolist() == [True, False]
    assert int(posts.phash[0]) == 0xF0E1D2C3B4A59687  # the high bit survives signed storage
    assert posts.links[0] == ("https://shop.example/deal?a=1&b=2",)
    with pytest.raises(ValueError, match="investigation 'no spaces'"):
        import_posts(store, "no spaces", feed)
    store.close()
    raw = sqlite3.connect(tmp_path / "store" / DB_FILENAME)
    dump = "\n".join(raw.iterdump())
    assert "raw-device-fingerprint" not in dump  # signals only as hashes on disk
    raw.close()


def test_cli_import_prints_bad_lines_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _jsonl(tmp_path / "posts.jsonl", [GOOD, {**GOOD, "post_id": "p-2", "posted_at": "x"}])
    store_dir = str(tmp_path / "store")
    assert (
        veil("--data-dir", store_dir, "network", "import", str(feed), "--investigation", "s") == 0
    )
    out = capsys.readouterr()
    assert "posts.jsonl:2: posted_at: an ISO 8601 time" in out.err
    assert "1 post(s) added, 0 already present, 1 new account(s), 1 line(s) rejected" in out.out


def test_veil_import_carries_the_posting_account_onto_the_case(tmp_path: Path) -> None:
    feed = _jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "external_id": "x-1",
                "category": "misinformation",
                "severity": 2,
                "reported_at": "2026-01-05T09:00:00Z",
                "account_id": "a-77",
            }
        ],
    )
    store_dir = tmp_path / "store"
    assert veil("--data-dir", str(store_dir), "import", str(feed)) == 0
    store = LocalStore(store_dir)
    (ingest,) = [e for e in store.events() if e.kind == "case.ingested"]
    assert ingest.payload["account_id"] == "a-77"
    with store.read() as session:
        (row,) = session.query(NetworkCaseAccount).all()
        assert (row.case_id, row.account_id) == (ingest.case_id, "a-77")
    store.rebuild_projections()  # the projection refolds from the log
    with store.read() as session:
        assert session.query(NetworkCaseAccount).count() == 1
    store.close()
