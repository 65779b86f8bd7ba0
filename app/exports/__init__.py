"""Exports for leads: CSV of decisions, QA results and metrics (here, Qt-free), and the
PDF QA report (widgets/qa/reports.py, Qt's PDF writer). `veil export ...` runs them headless.
"""
