"""Incidents: declare, contain, brief and learn, a rapid-response room built from the log."""
