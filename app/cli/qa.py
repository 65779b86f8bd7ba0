"""`veil qa draw --lead NAME`: draw decisions for QA and mix gold cases, headless.

For a lead's workstation to run on a schedule (the workstation also does it when the
lead opens the QA tools). It uses the seed in this data dir, so it must run where the
lead's rules were set.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil qa draw`."""
    qa = sub.add_parser("qa", help="QA sampling and gold mixing").add_subparsers(
        dest="qa_command", required=True
    )
    draw = qa.add_parser("draw", help="draw decisions for QA audit and mix gold into queues")
    draw.add_argument("--lead", required=True, help="the lead the draw is recorded as")
    draw.set_defaults(handler=_draw)


def _draw(args: argparse.Namespace) -> int:
    # Imported when run: `veil` builds every subcommand's parser at start-up.
    from app.cli.main import open_store
    from app.qa.assign import AuditDraw
    from app.qa.gold_mixing import GoldMixer
    from app.qa.people import person
    from app.qa.secret import lead_secret
    from app.review.reviewdesk import AccessDenied

    store = open_store(args)
    try:
        lead = person(store, args.lead)
        seed = lead_secret(store.data_dir)
        print(AuditDraw(store, lead, seed).run().summary())
        print(GoldMixer(store, lead, seed).mix().summary())
    except (KeyError, AccessDenied) as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0
