"""The read models the API and dashboard show: who a view is about (:mod:`.subject`),
person search (:mod:`.person_search`), the person view, timeline and statistics
(:mod:`.person`), households (:mod:`.household_view`), the network view
(:mod:`.network`), the subject access export (:mod:`.subject_export`) and chronologies
(:mod:`.chronology`). Everything else
takes a transaction: the API runs the read in a read transaction, then its audit entry
(graph/access/audit.py)."""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "Subject": "subject", "parse_subject": "subject", "age": "subject",
    "search": "person_search", "lucene_query": "person_search", "score_candidate": "person_search",
    "blocking_lookups": "person_search", "search_page": "person_search",
    "person_view": "person", "person_records": "person", "timeline": "person",
    "subject_record_ids": "person", "organisations": "person", "stats": "person",
    "households": "household_view", "household": "household_view",
    "subject_access": "subject_export",
    "person_chronology": "chronology", "household_chronology": "chronology",
})
