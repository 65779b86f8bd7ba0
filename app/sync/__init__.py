"""Workstation <-> hub synchronisation: the HTTP client (client.py) and the sync engine."""
