"""Query building: expressions (Q, F), aggregates, lookups, and compilation to SQLAlchemy Core."""
