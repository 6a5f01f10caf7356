"""Database backend tweaks that stay SQLAlchemy dialects (quoting, types and pooling are unchanged)."""
