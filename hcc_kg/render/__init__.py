"""Rendering answers: one registry of output formats (the CLI's ``--format`` choices read it)."""
