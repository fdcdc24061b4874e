"""Who a view is about: a *subject* is a resolved ``(:Person)`` (its ``person_id``) or,
before resolution has reached it, one agency record on its own (its subject id
``rec:<source>:<source_record_id>``, see :mod:`aim.graph.identity.keys`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aim.graph.identity.keys import parse_subject_id


@dataclass(frozen=True)
class Subject:
    id: str
    person_id: str | None = None
    source: str | None = None
    record_id: str | None = None

    def params(self) -> dict:
        return {"person_id": self.person_id, "source": self.source, "record_id": self.record_id}


def parse_subject(subject_id: str) -> Subject:
    """``rec:WMP:123`` → an unresolved record; anything else is a person id."""
    record = parse_subject_id(subject_id)
    if record:
        return Subject(subject_id, source=record[0], record_id=record[1])
    return Subject(subject_id, person_id=subject_id)


def age(dob: date | None, today: date | None = None) -> int | None:
    if dob is None:
        return None
    today = today or date.today()
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
