"""Record keys: the one codec for how AIM writes down which agency record is meant.

A record is identified by its organisation's code and that organisation's own id. It is
written three ways, all made and read here:

* the **record key** ``SOURCE|ID``, inside resolution: pairs, clusters and decisions are
  keyed by it, and new person ids are hashed from it (changing it would change every id);
* a **pair** ``(SOURCE, ID)`` (or ``[SOURCE, ID]``), as a Cypher parameter or in JSON;
* the **subject id** ``rec:SOURCE:ID``, the API's public id for a record that resolution
  has not reached yet (a resolved person's subject id is its person id).
"""

from __future__ import annotations

from collections.abc import Sequence

SEP = "|"
SUBJECT_PREFIX = "rec:"

Key = tuple[str, str]


def record_key(source: str, source_record_id: str) -> str:
    return f"{source}{SEP}{source_record_id}"


def split_key(key: str | Sequence[str]) -> Key:
    """``(source, source_record_id)`` of a record key or a pair."""
    if isinstance(key, str):
        source, _, source_record_id = key.partition(SEP)
        return source, source_record_id
    return str(key[0]), str(key[1])


def key_param(key: str | Sequence[str]) -> list[str]:
    """``[source, source_record_id]``: the form Cypher queries take (``r[0]``, ``r[1]``)."""
    return list(split_key(key))


def ordered(a: str, b: str) -> tuple[str, str]:
    """A pair of record keys in the order relationships between them are stored."""
    return (a, b) if a <= b else (b, a)


def pair_params(a: str, b: str) -> dict[str, str]:
    """The ``sa, ia, sb, ib`` parameters of a relationship between two records."""
    (sa, ia), (sb, ib) = split_key(a), split_key(b)
    return {"sa": sa, "ia": ia, "sb": sb, "ib": ib}


def subject_id(source: str, source_record_id: str) -> str:
    return f"{SUBJECT_PREFIX}{source}:{source_record_id}"


def parse_subject_id(text: str) -> Key | None:
    """``(source, source_record_id)`` of a record subject id; None for any other id (a
    person id). Raises ValueError for a malformed ``rec:`` id."""
    if not text.startswith(SUBJECT_PREFIX):
        return None
    source, sep, source_record_id = text[len(SUBJECT_PREFIX):].partition(":")
    if not sep or not source or not source_record_id:
        raise ValueError("a record subject looks like rec:<source>:<source_record_id>")
    return source, source_record_id
