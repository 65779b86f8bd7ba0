"""Veil's Qt-free core: domain, imaging, review, wellbeing, quality, sync and CLI."""
