"""Coordinated networks on the workstation: the investigation workspace (graph view,
clusters and accounts), the evidence of an edge, verdicts, pins and notes."""
