"""Quality and operations metrics: agreement, QA sampling, gold sets, calibration, SLAs.

Pure Python and numpy, no Qt and no database: callers fold the event log into the plain
records of `records` (Decision, AuditVerdict, CaseSpan, ExposureDay) and pass them in;
every result is a plain dataclass or number a dashboard can draw.

- `agreement`: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.
- `confusion`: original vs auditor action matrices, overall and per policy.
- `sampling`: which decisions a lead's rule sends to QA audit (keyed, unpredictable).
- `gold`: gold-case accuracy and where to mix gold cases into a queue.
- `calibration`: a whole-team calibration session as a table plus kappa and alpha.
- `operations`: throughput, handling time, SLA hits, escalations, backlog age.
- `wellbeing`: exposure per reviewer-day, only for groups of 5 or more people.

Conventions: a statistic the data cannot define (no items, one category only) is None,
with a reason where the result has room for one; malformed input raises ValueError.
Durations are seconds as floats; datetimes must be timezone-aware. Keyed draws need a
secret seed of at least 16 bytes; whoever holds it can predict every pick, so it belongs
on the hub or a lead's workstation, never on a reviewer's.
"""
