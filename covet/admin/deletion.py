"""What deleting objects would remove: the cascade, listed for the confirmation pages before anything is deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from covet.orm import ProtectedError, RestrictedError
from covet.orm.deletion import Collector

#: At most this many objects of one model are listed by name; the rest are counted.
LISTED_PER_MODEL = 50


@dataclass
class DeletionSummary:
    """Per model (verbose name plural), how many rows go, with the first few named; or why it is refused."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    protected: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def summarize_deletion(objects: Sequence[Any], using: str = "default") -> DeletionSummary:
    """Run the ORM's own collector (no deletes) to find every row a delete of ``objects`` would remove."""
    summary = DeletionSummary()
    if not objects:
        return summary
    collector = Collector(using)
    try:
        await collector.collect(list(objects))
        await collector._check_restricted()
    except (ProtectedError, RestrictedError) as exc:
        summary.protected = str(exc)
        return summary
    for model, rows in collector.data.items():
        name = str(model._meta.verbose_name_plural).capitalize()
        summary.counts[name] = summary.counts.get(name, 0) + len(rows)
        named = [str(obj) for obj in rows.values() if obj is not None][:LISTED_PER_MODEL]
        missing = [pk for pk, obj in rows.items() if obj is None][: max(0, LISTED_PER_MODEL - len(named))]
        if missing:
            named += [str(obj) for obj in await model._meta.default_manager.using(using).filter(pk__in=missing)]
        summary.examples[name] = named
    return summary
