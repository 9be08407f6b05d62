"""Exports for guideline writers: what an export holds (``subset``) and the formats it is written in."""
