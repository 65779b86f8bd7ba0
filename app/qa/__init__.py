"""Lead tools on the event log: QA sampling and blind re-review, gold sets, calibration.

Everything a lead does here is an event (see `app.log.events`: qa.*, gold.*, calibration.*)
folded into projections by `projection`; the statistics come from `app.quality`.

- `rules`: per-queue sampling rules and gold rates (qa.rule_set).
- `secret`: the lead's secret seed that makes draws unpredictable to reviewers.
- `assign`: draw decisions for audit with the rules (qa.assigned).
- `blind`: blind re-review: own call first (qa.review), then the original, then a verdict.
- `feedback`: a reviewer's audited decisions and what QA said.
- `gold_sets` / `gold_mixing`: mark gold cases; mix copies into queues at the gold rate.
- `calibration_sessions`: N cases the whole team decides independently.
- `dataset` / `dashboard`: records and chart data for dashboards, exports and reports.
"""
