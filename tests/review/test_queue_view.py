"""The queue list in SQL: counts from the depth projection, pages, keyset, plans."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from .conftest import World


def _fill(world: World, n: int = 60) -> None:
    categories = ("spam_scams", "hate_speech", "violent_graphic", "child_safety")
    for k in range(n):
        world.ingest(categories[k % 4], 1 + k % 4, age=timedelta(minutes=7 * k), reports=1 + k % 9)


def test_count_matches_the_rows_and_pages_follow_the_work_order(world: World) -> None:
    _fill(world)
    desk = world.desk("ari", "analyst", ("child_safety",))
    claim = desk.claim_next()
    assert claim is not None
    desk.escalate(claim.detail.row.case_id, "needs a second look", severity=4)
    desk.claim_next()
    source = desk.queue_source()
    rows = source.page(0, 1000)
    assert source.count() == len(rows) == 60
    keys = [(r.priority_key, r.case_no) for r in rows]
    assert keys == sorted(keys)
    assert source.page(37, 10) == rows[37:47]  # from the far end, in list order
    assert source.after(rows[9], 5) == rows[10:15]
    assert source.before(rows[20], 5) == rows[15:20]
    assert source.position(rows[33]) == 33


def test_filters_and_the_deadline_order(world: World) -> None:
    _fill(world)
    mod = world.desk("maya")
    everything = mod.queue_source()
    assert all(r.category != "child_safety" for r in everything.page(0, 100))
    assert everything.count() == 45
    graphic = mod.queue_source(["graphic"], severity=3)
    assert {(r.queue, r.severity) for r in graphic.page(0, 100)} == {("graphic", 3)}
    assert graphic.count() == len(graphic.page(0, 100))
    by_deadline = mod.queue_source(order="deadline").page(0, 100)
    deadlines = [r.sla_deadline for r in by_deadline]
    assert deadlines == sorted(deadlines)
    choices = {c.queue_id: c for c in mod.queue_choices()}
    assert "child-safety" not in choices and sum(c.depth for c in choices.values()) == 45
    assert choices["graphic"].overdue >= 1


def test_plans_use_the_partial_indexes_without_sorting(world: World) -> None:
    _fill(world, 20)
    desk = world.desk("ari", "analyst", ("child_safety",))
    for order in ("priority", "deadline"):
        plan = desk.queue_source(order=order).plan()
        assert any("ix_cases_open_" in line for line in plan), plan
        assert not any("TEMP B-TREE" in line for line in plan), plan


def test_queue_depth_is_what_a_rebuild_gives(world: World) -> None:
    _fill(world, 24)
    desk = world.desk("ari", "analyst", ("child_safety",))
    for _ in range(6):
        claim = desk.claim_next()
        assert claim is not None
        desk.decide(claim.detail.row.case_id, "no_violation", {})

    def depth() -> list[tuple[object, ...]]:
        with world.store.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(text("SELECT * FROM queue_depth")))

    before = depth()
    world.store.rebuild_projections()
    assert depth() == before
    assert sum(int(r[-1]) for r in before) == 24
