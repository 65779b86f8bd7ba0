"""`veil network import|build|clusters|export`: coordinated networks, headless.

    veil network import posts.jsonl --investigation spring-promo
    veil network build --investigation spring-promo --window 60 --min-weight 3
    veil network clusters --investigation spring-promo
    veil network export --investigation spring-promo --to out/ --format gexf

`build` computes the graph and prints its figures; `--save --actor NAME` also records the
investigation with its parameters (an event that syncs). `clusters` and `export` build
again with the saved parameters (or the ones given): a build is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.network.coaction import KINDS

if TYPE_CHECKING:
    from app.log.store import LocalStore

FORMATS = ("gexf", "graphml", "csv")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil network ...`."""
    net = sub.add_parser("network", help="coordinated networks from a table of posts")
    cmds = net.add_subparsers(dest="network_command", required=True)
    imp = cmds.add_parser("import", help="load posts (CSV, JSONL or parquet) into an investigation")
    imp.add_argument("file", type=Path)
    imp.add_argument("--investigation", required=True)
    imp.set_defaults(handler=_import)
    build = cmds.add_parser("build", help="build the co-action graph and its clusters")
    _build_args(build)
    build.add_argument("--save", action="store_true", help="record the investigation")
    build.add_argument("--title", default="", help="the investigation's title (with --save)")
    build.set_defaults(handler=_build)
    clusters = cmds.add_parser("clusters", help="list the clusters, heaviest first")
    _build_args(clusters)
    clusters.add_argument("--top", type=int, default=20)
    clusters.set_defaults(handler=_clusters)
    export = cmds.add_parser("export", help="write the graph as GEXF, GraphML or CSV")
    _build_args(export)
    export.add_argument("--to", type=Path, required=True, help="folder to write into")
    export.add_argument("--format", choices=FORMATS, action="append", default=[])
    export.set_defaults(handler=_export)


def _build_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--investigation", required=True)
    parser.add_argument("--actor", required=True, help="the analyst or lead it runs as")
    parser.add_argument("--window", type=float, help="seconds (default 60)")
    parser.add_argument("--min-weight", type=float, help="edge score to keep (default 3)")
    parser.add_argument("--text-threshold", type=float, help="Jaccard (default 0.6)")
    parser.add_argument("--kinds", help=f"comma-separated, of {','.join(KINDS)}")
    parser.add_argument("--no-damping", action="store_true")


def _import(args: argparse.Namespace) -> int:
    from app.network.dataset import import_posts

    store = _open_store(args)
    try:
        report = import_posts(store, args.investigation, args.file)
    except ValueError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary())
    return 1 if report.problems and not report.added else 0


def _build(args: argparse.Namespace) -> int:
    from app.network import commands

    def run(work: commands.Workbench) -> int:
        network = work.build(progress=_progress)
        print(commands.summary(network))
        if args.save:
            work.save(network.params, args.title or args.investigation)
            print(f"investigation {args.investigation} saved")
        return 0

    return _with_workbench(args, run)


def _clusters(args: argparse.Namespace) -> int:
    from app.network import commands

    def run(work: commands.Workbench) -> int:
        network = work.build()
        verdicts = work.verdicts()
        for cluster in network.clusters[: args.top]:
            verdict = verdicts.get(cluster.cluster_id, "")
            kinds = ", ".join(f"{k} {n}" for k, n in cluster.by_kind.items() if n)
            print(
                f"{cluster.rank:>3}  {cluster.cluster_id}  {cluster.size:>5} accounts  "
                f"score {cluster.score:,.0f}  {kinds}  {verdict}".rstrip()
            )
        return 0

    return _with_workbench(args, run)


def _export(args: argparse.Namespace) -> int:
    from app.network import commands, export

    def run(work: commands.Workbench) -> int:
        network = work.build()
        written = export.write_all(network, args.to, tuple(args.format) or FORMATS)
        for path in written:
            print(path)
        return 0

    return _with_workbench(args, run)


def _with_workbench(args: argparse.Namespace, run: object) -> int:
    from app.network import commands
    from app.review.types import AccessDenied

    store = _open_store(args)
    try:
        actor = commands.actor_of(store, args.actor)
        work = commands.Workbench(store, actor, args.investigation, _params(args))
        return run(work)  # type: ignore[operator]
    except (ValueError, KeyError, AccessDenied) as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


def _params(args: argparse.Namespace) -> dict[str, object]:
    given: dict[str, object] = {
        "window": args.window,
        "min_weight": args.min_weight,
        "text_threshold": args.text_threshold,
        "kinds": tuple(k.strip() for k in args.kinds.split(",")) if args.kinds else None,
        "damping": False if args.no_damping else None,
    }
    return {k: v for k, v in given.items() if v is not None}


def _open_store(args: argparse.Namespace) -> LocalStore:
    from app.log.paths import data_dir
    from app.log.store import open_store

    return open_store(data_dir(args.data_dir))


def _progress(stage: str, fraction: float) -> None:
    print(f"  {fraction:4.0%}  {stage}", file=sys.stderr)
