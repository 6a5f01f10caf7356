"""Command modules: each exposes ``command`` (a click command) or ``commands`` (a list of them)."""
