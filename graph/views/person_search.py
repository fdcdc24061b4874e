"""Person search over the graph (a transaction in, ranked subjects out).

Search is fuzzy and ranked: candidates come from the ``record_names`` full-text index
(Lucene fuzzy terms, with the given name expanded to its nickname equivalents) and from
the date-of-birth index (with the day/month swap), then rapidfuzz ranks them using the
resolution standardisers (normalised names, nicknames, phonetic keys).
"""

from __future__ import annotations

from datetime import date

from neo4j import ManagedTransaction
from rapidfuzz.distance import JaroWinkler

from aim import cypher
from aim.graph.identity.keys import subject_id
from aim.graph.store import to_native
from aim.resolution import standardise as S

from .subject import age, parse_subject

CANDIDATES = 300




def _fuzzy(token: str) -> str:
    token = token.lower()
    if len(token) <= 3:
        return token
    return f"{token}~1" if len(token) <= 7 else f"{token}~2"


def lucene_query(first_name: str | None, last_name: str | None) -> str:
    """A Lucene query over ``first_name``/``last_name`` built from normalised tokens only
    (A-Z and digits), so no user text reaches Lucene's syntax. With both names, both must
    match (fuzzily; the given name or one of its nicknames), either way round: an
    intersection is far cheaper than scoring everyone called Smith or John."""
    surnames = S.normalise_name(last_name).split()
    firsts = S.normalise_name(first_name).split()
    surname = " OR ".join(_fuzzy(t) for t in surnames)
    given = ""
    if firsts:
        variants = sorted(v.lower() for v in S.nicknames().related(firsts[0]) if v != firsts[0] and v.isalpha())
        given = " OR ".join([_fuzzy(firsts[0])] + variants[:20])
    if surname and given:
        swapped = " OR ".join(_fuzzy(t) for t in firsts)
        return (f"(+last_name:({surname}) +first_name:({given})) "
                f"(+last_name:({swapped}) +first_name:({surname}))^0.5")
    if surname:
        return f"last_name:({surname})"
    if given:
        return f"first_name:({given})"
    return ""


def _swap(d: date) -> date | None:
    if d.day <= 12 and d.day != d.month:
        try:
            return date(d.year, d.day, d.month)
        except ValueError:
            return None
    return None


def _name_score(query: str, first: str | None, last: str | None, *, given: bool) -> float:
    if not query:
        return 0.0
    value = S.first_name_key(first) if given else S.surname_key(last)
    q = S.first_name_key(query) if given else S.surname_key(query)
    if not value:
        return 0.0
    score = JaroWinkler.similarity(q, value)
    if given and S.nickname_equivalent(q, value):
        score = max(score, 0.95)
    if S.phonetic_key(q) and S.phonetic_key(q) == S.phonetic_key(value):
        score = max(score, 0.9)
    return score


def _dob_score(query: date | None, value: date | None) -> float:
    if query is None or value is None:
        return 0.0
    if query == value:
        return 1.0
    if _swap(query) == value:
        return 0.8
    same = (query.year == value.year) + (query.month == value.month) + (query.day == value.day)
    return {2: 0.6, 1: 0.2}.get(same, 0.0)


def score_candidate(q: dict, cand: dict) -> float:
    """0..1: weighted similarity of a record to the searched details (only given fields count)."""
    weights, total = 0.0, 0.0
    dob = to_native(cand.get("date_of_birth"))
    if q.get("first_name"):
        straight = _name_score(q["first_name"], cand["first_name"], None, given=True)
        crossed = _name_score(q["first_name"], None, cand["last_name"], given=False) * 0.9
        total += 0.35 * max(straight, crossed)
        weights += 0.35
    if q.get("last_name"):
        straight = _name_score(q["last_name"], None, cand["last_name"], given=False)
        crossed = _name_score(q["last_name"], cand["first_name"], None, given=True) * 0.9
        total += 0.35 * max(straight, crossed)
        weights += 0.35
    if q.get("date_of_birth"):
        total += 0.25 * _dob_score(q["date_of_birth"], dob)
        weights += 0.25
    if q.get("gender") and q["gender"] != "U":
        total += 0.05 * (1.0 if cand.get("gender") == q["gender"] else 0.0)
        weights += 0.05
    return total / weights if weights else 0.0


def blocking_lookups(first_name: str | None, last_name: str | None, date_of_birth: date | None) -> dict[str, list[str]]:
    """The resolution blocking keys of the searched details, for the given name and each of
    its nickname variants, and for the day/month swap of the date of birth."""
    from aim.resolution.blocking import blocking_keys

    given = S.first_name_key(first_name)
    variants = [given] + sorted(v for v in S.nicknames().related(given) if v != given)[:15] if given else [""]
    dobs = [date_of_birth, _swap(date_of_birth)] if date_of_birth else [None]
    found: dict[str, set[str]] = {"names": set(), "dob_l": set(), "dob_f": set(), "dob_i": set(), "ny_yob": set()}
    for first in variants:
        for dob in dobs:
            if dob is None and date_of_birth is not None:
                continue
            for key in blocking_keys({"first_name": first, "last_name": last_name,
                                      "date_of_birth": dob.isoformat() if dob else None}):
                rule = key.split(":", 1)[0]
                if rule in found:
                    found[rule].add(key)
    return {rule: sorted(keys) for rule, keys in found.items()}


def search(tx: ManagedTransaction, *, first_name: str | None = None, last_name: str | None = None,
           date_of_birth: date | None = None, gender: str | None = None, limit: int = 20,
           min_score: float = 0.55, confident: float = 0.85) -> list[dict]:
    """Ranked subjects: ``{subject_id, score, first_name, last_name, date_of_birth, gender,
    address, postcode, agencies}``.

    Candidates come first from the blocking-key indexes (cheap equality seeks); the
    fuzzy full-text index is asked as well when those give no confident
    match (typos that change the phonetic key, records not yet resolved)."""
    q = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth, "gender": gender}
    best: dict[str, float] = {}

    def rank(rows) -> None:
        for cand in rows:
            score = score_candidate(q, cand)
            subject = cand["person_id"] or subject_id(cand["source"], cand["source_record_id"])
            if score > best.get(subject, -1):
                best[subject] = score

    rank(tx.run(cypher.load("api/search_blocking"), **blocking_lookups(first_name, last_name, date_of_birth),
                limit=CANDIDATES))
    if not any(score >= confident for score in best.values()):
        lucene = lucene_query(first_name, last_name)
        if lucene:
            rank(tx.run(cypher.load("api/search_names"), lucene=lucene, limit=CANDIDATES))
        if date_of_birth:
            dobs = [date_of_birth] + ([_swap(date_of_birth)] if _swap(date_of_birth) else [])
            rank(tx.run(cypher.load("api/search_dob"), dobs=dobs, limit=CANDIDATES))
    ranked = sorted((s for s in best.items() if s[1] >= min_score), key=lambda s: (-s[1], s[0]))[:limit]
    if not ranked:
        return []
    subjects = [parse_subject(s) for s, _ in ranked]
    rows = tx.run(cypher.load("api/subject_summaries"),
                  subjects=[{"id": s.id, **s.params()} for s in subjects])
    summaries = {r["subject"]: r for r in rows}
    out = []
    for subject, score in ranked:
        row = summaries.get(subject)
        if row is None:
            continue
        details = row["details"] or {}
        dob = to_native(details.get("date_of_birth"))
        address = row["address"] or {}
        out.append({
            "subject_id": subject,
            "score": round(score, 4),
            "first_name": details.get("first_name"),
            "last_name": details.get("last_name"),
            "date_of_birth": dob,
            "age": age(dob),
            "gender": details.get("gender"),
            "address": address.get("line") or details.get("address"),
            "postcode": address.get("postcode") or details.get("postcode"),
            "agencies": sorted(row["agencies"]),
        })
    return out
