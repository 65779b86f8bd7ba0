"""The feature list: one line per feature, each the module holding its `FEATURE`
descriptor (app/log/registry.py). Folds run in phase order, then in this order."""

FEATURES = [
    "app.review.feature",  # cases, leases, decisions, escalations, notes, links, team settings
    "app.wellbeing.feature",  # exposure (views, reveals), breaks, the team's filter layer
    "app.qa.feature",  # QA sampling, blind re-review, gold sets, calibration, decision facts
    "app.signin.feature",  # sign-in lockouts the hub reports to leads
    "app.incidents.feature",  # incidents: declare, contain (own queues), timeline, post-mortem
    "app.network.feature",  # coordinated networks: investigations, cluster verdicts, pins, notes
    "app.evidence.feature",  # legal holds, retention purges, report packets
]
