"""Plausibility checks: rules that compare a source's own numbers and flag what cannot all be true.

A flag is a finding about the source document, never a change to a curated value: rules only read
the validated records, and what they compute is kept on the flag as "what was compared and what was
expected", never as evidence.
"""
