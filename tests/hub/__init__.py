"""Tests of the team hub and its HTTP client, against real hub processes."""
