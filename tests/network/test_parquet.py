"""Posts from parquet: the same rows, rules and per-row errors as CSV and JSONL, read in
record batches; a file that is not parquet is refused in one line."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from app.cli.main import build_parser, run
from app.log.store import LocalStore
from app.network import posts as posts_module
from app.network.dataset import import_posts
from app.network.models import NetworkAccount, NetworkPost
from app.network.posts import BadField, read_posts

HASHED = "sha256:" + "0" * 64


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _parquet(path: Path, columns: dict[str, pa.Array], row_group_size: int = 1000) -> Path:
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path


def test_parquet_good_rows_import_and_each_bad_row_is_named(tmp_path: Path) -> None:
    # A handle column typed int64: null (absent) on the good rows, a number on row 4.
    path = _parquet(
        tmp_path / "posts.parquet",
        {
            "post_id": pa.array(["p-1", "p-2", "p-3", "p-4", "p-5"]),
            "account_id": pa.array(["a-1", None, "a-3", "a-4", "a-5"]),
            "posted_at": pa.array(
                [
                    "2026-03-01T10:00:05Z",
                    "2026-03-01T10:00:06Z",
                    "2026-02-30T10:00:00Z",
                    "2026-03-01T10:00:08Z",
                    "2026-03-01T10:00:09Z",
                ]
            ),
            "handle": pa.array([None, None, None, 17, None], type=pa.int64()),
            "links": pa.array(
                [
                    ["https://www.Shop.example/deal/?utm_source=x"],
                    [],
                    None,
                    [],
                    ["https://b.example"],
                ],
                type=pa.list_(pa.string()),
            ),
        },
    )
    report = read_posts(path)
    assert [r.post_id for r in report.rows] == ["p-1", "p-5"]
    assert report.rows[0].links == ("https://shop.example/deal",)
    assert [str(p) for p in report.problems] == [
        "posts.parquet:row 2: account_id: required",
        "posts.parquet:row 3: posted_at: an ISO 8601 time, e.g. 2026-01-05T09:00:00Z",
        "posts.parquet:row 4: handle: expected text",
    ]


def test_rows_are_numbered_across_record_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posts_module, "PARQUET_BATCH", 3)
    n = 10
    path = _parquet(
        tmp_path / "many.parquet",
        {
            "post_id": pa.array([f"p-{i}" for i in range(1, n + 1)]),
            "account_id": pa.array([None if i == 8 else f"a-{i}" for i in range(1, n + 1)]),
            "posted_at": pa.array(["2026-03-01T10:00:00Z"] * n),
        },
        row_group_size=4,
    )
    report = read_posts(path)
    assert len(report.rows) == n - 1
    assert [str(p) for p in report.problems] == ["many.parquet:row 8: account_id: required"]


SAME: list[dict[str, Any]] = [
    {
        "post_id": "p-1",
        "account_id": "a-1",
        "handle": "@one",
        "account_created_at": "2026-01-02T00:00:00Z",
        "posted_at": "2026-03-01T10:00:05Z",
        "text": "Buy the thing now",
        "links": ["https://www.Shop.example/deal/?utm_source=x&b=2&a=1", "https://b.example/"],
        "media_phash": "f0e1d2c3b4a59687",
        "reply_to": "t-9",
        "signals": {"device": "raw-device", "network": HASHED},
    },
    {
        "post_id": "p-2",
        "account_id": "a-2",
        "handle": "@two",
        "account_created_at": "2026-01-03T00:00:00Z",
        "posted_at": "2026-03-01T10:00:07.250000Z",
        "text": "Buy the thing, now!",
        "links": [],
        "media_phash": "",
        "reply_to": "",
        "signals": {"device": "other-device"},
    },
]


def _stored(store: LocalStore, investigation: str) -> tuple[list[Any], list[Any]]:
    with store.read() as session:
        posts = [
            (p.post_no, p.post_id, p.account_id, p.posted_at, p.posted_ts, p.text, p.links)
            + (p.media_ref, p.media_phash, p.reply_to)
            for p in session.scalars(
                select(NetworkPost)
                .where(NetworkPost.investigation == investigation)
                .order_by(NetworkPost.post_no)
            )
        ]
        accounts = [
            tuple(
                v
                for k, v in sorted(vars(a).items())
                if k not in ("_sa_instance_state", "investigation")
            )
            for a in session.scalars(
                select(NetworkAccount)
                .where(NetworkAccount.investigation == investigation)
                .order_by(NetworkAccount.account_id)
            )
        ]
    return posts, accounts


def test_the_same_posts_as_csv_jsonl_and_parquet_are_stored_identically(tmp_path: Path) -> None:
    csv_path = tmp_path / "posts.csv"
    head = list(SAME[0])
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=head)
        writer.writeheader()
        for row in SAME:
            cells = {**row, "links": ";".join(row["links"])}
            cells["signals"] = ";".join(f"{k}={v}" for k, v in row["signals"].items())
            writer.writerow(cells)
    jsonl_path = tmp_path / "posts.jsonl"
    jsonl_path.write_text("".join(json.dumps(r) + "\n" for r in SAME))
    # Parquet as an exporter writes it: posted_at a UTC timestamp, signals a map.
    parquet_path = _parquet(
        tmp_path / "posts.parquet",
        {
            **{
                k: pa.array([r[k] for r in SAME]) for k in head if k not in ("posted_at", "signals")
            },
            "posted_at": pa.array(
                [_when(str(r["posted_at"])) for r in SAME], type=pa.timestamp("us", tz="UTC")
            ),
            "signals": pa.array(
                [list(r["signals"].items()) for r in SAME],
                type=pa.map_(pa.string(), pa.string()),
            ),
        },
    )
    store = LocalStore(tmp_path / "store")
    stored: dict[str, tuple[list[Any], list[Any]]] = {}
    for name, path in (("c", csv_path), ("j", jsonl_path), ("p", parquet_path)):
        report = import_posts(store, name, path)
        assert [str(p) for p in report.problems] == []
        assert report.added == 2
        stored[name] = _stored(store, name)
    store.close()
    assert stored["c"] == stored["j"] == stored["p"]
    posts, accounts = stored["p"]
    assert [p[3] for p in posts] == ["2026-03-01T10:00:05Z", "2026-03-01T10:00:07.250000Z"]
    assert len(accounts) == 2
    assert "raw-device" not in repr(accounts)


def test_a_struct_of_signals_and_integer_ids_read_like_json(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "posts.parquet",
        {
            "account_id": pa.array([17, 18], type=pa.int64()),
            "posted_at": pa.array(
                [datetime(2026, 3, 1, 10, 0, 5, tzinfo=UTC)] * 2, type=pa.timestamp("s", tz="UTC")
            ),
            "signals": pa.array(
                [{"device": "x", "network": None}, {"device": None, "network": "y"}]
            ),
        },
    )
    report = read_posts(path)
    assert report.problems == []
    assert [r.account_id for r in report.rows] == ["17", "18"]
    assert [sorted(r.signals) for r in report.rows] == [["device"], ["network"]]
    assert [r.post_id for r in report.rows] == ["posts.parquet:1", "posts.parquet:2"]


def test_a_file_that_is_not_parquet_or_is_truncated_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _parquet(
        tmp_path / "good.parquet",
        {
            "post_id": pa.array([f"p-{i}" for i in range(200)]),
            "account_id": pa.array([f"a-{i}" for i in range(200)]),
            "posted_at": pa.array(["2026-03-01T10:00:00Z"] * 200),
        },
    )
    data = good.read_bytes()
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(data[: len(data) // 2])
    text = tmp_path / "text.parquet"
    text.write_text("post_id,account_id\np-1,a-1\n")
    for path in (truncated, text):
        with pytest.raises(BadField, match=rf"^file: {path.name}: not a readable parquet file"):
            read_posts(path)
        store_dir = str(tmp_path / "store")
        code = veil("--data-dir", store_dir, "network", "import", str(path), "--investigation", "s")
        assert code == 2
        err = capsys.readouterr().err
        assert err.startswith(f"veil: file: {path.name}: not a readable parquet file")
        assert err.count("\n") == 1 and "Traceback" not in err


def test_importing_a_parquet_file_twice_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _parquet(
        tmp_path / "posts.parquet",
        {
            "post_id": pa.array(["p-1", "p-2", "p-3"]),
            "account_id": pa.array(["a-1", "a-2", None]),
            "posted_at": pa.array(["2026-03-01T10:00:00Z"] * 3),
        },
    )
    store_dir = str(tmp_path / "store")
    args = ("--data-dir", store_dir, "network", "import", str(path), "--investigation", "s")
    assert veil(*args) == 0
    first = capsys.readouterr()
    assert "posts.parquet:row 3: account_id: required" in first.err
    assert "2 post(s) added, 0 already present, 2 new account(s), 1 line(s) rejected" in first.out
    assert veil(*args) == 1  # as for CSV and JSONL: rejected lines and nothing added
    again = capsys.readouterr()
    assert "0 post(s) added, 2 already present, 0 new account(s), 1 line(s) rejected" in again.out
