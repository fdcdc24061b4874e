"""Person search over the graph (a transaction in, ranked subjects out).

Search is fuzzy and ranked: candidates come from the resolution blocking-key indexes, the
``record_names`` full-text index (Lucene fuzzy and prefix terms, with the given name expanded
to its nickname and spelling variants) and the date-of-birth index (with the day/month swap),
then rapidfuzz ranks them using the resolution standardisers (normalised names, nicknames,
``name-variants`` spelling groups, phonetic keys). An initial or the start of a name finds
every name it begins ("S Singh", "Shab Singh"); a year of birth and a gender filter.
Each hit says how each searched field matched (``match``), so that callers can explain the
score and the access policy can tell a full identification from a partial one.
"""

from __future__ import annotations

from datetime import date

from neo4j import ManagedTransaction
from rapidfuzz.distance import JaroWinkler

from aim import cypher
from aim.graph.access.policy import PARTIAL_NAME_MATCHES
from aim.graph.identity.keys import subject_id
from aim.graph.store import to_native
from aim.resolution import standardise as S

from .subject import age, parse_subject

CANDIDATES = 300
VARIANTS = 20          # given-name variants asked of the full-text index
KIND_SCORES = {"exact": 1.0, "variant": 0.95, "prefix": 0.85, "initial": 0.8}


def _fuzzy(token: str) -> str:
    token = token.lower()
    if len(token) == 1:
        return f"{token}*"
    if len(token) <= 3:
        return f"{token} OR {token}*"
    return f"{token}~1 OR {token}*" if len(token) <= 7 else f"{token}~2 OR {token}*"


def given_variants(first: str) -> list[str]:
    """Nickname and spelling variants of a normalised given name (``nicknames`` and
    ``name-variants``, through the resolution standardiser), at most :data:`VARIANTS`."""
    if len(first) < 2:
        return []
    return sorted(v for v in S.given_name_variants(first) if v != first and v.isalpha())[:VARIANTS]


def lucene_query(first_name: str | None, last_name: str | None) -> str:
    """A Lucene query over ``first_name``/``last_name`` built from normalised tokens only
    (A-Z and digits), so no user text reaches Lucene's syntax. Each name matches fuzzily or
    as the start of a longer name; the given name also as one of its variants. With both
    names, both must match, either way round: an intersection is far cheaper than scoring
    everyone called Smith or John."""
    surnames = S.normalise_name(last_name).split()
    firsts = S.normalise_name(first_name).split()
    surname = " OR ".join(_fuzzy(t) for t in surnames)
    given = ""
    if firsts:
        given = " OR ".join([_fuzzy(firsts[0])] + [v.lower() for v in given_variants(firsts[0])])
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


def name_match(query: str, value: str, *, given: bool) -> tuple[str, float]:
    """How a searched name matches a record's (both normalised keys): ``(kind, 0..1)``, kind
    one of exact, variant (nickname or spelling variant), initial, prefix, similar, different."""
    if not query or not value:
        return "missing", 0.0
    if query == value:
        return "exact", 1.0
    if given and S.nickname_equivalent(query, value):
        return "variant", KIND_SCORES["variant"]
    if value.startswith(query):
        return ("initial", KIND_SCORES["initial"]) if len(query) == 1 else ("prefix", KIND_SCORES["prefix"])
    if len(query) == 1:
        return "different", 0.0
    score = JaroWinkler.similarity(query, value)
    if S.phonetic_key(query) and S.phonetic_key(query) == S.phonetic_key(value):
        score = max(score, 0.9)
    return ("similar" if score >= 0.8 else "different"), score


def _names(q: dict, cand: dict) -> dict[str, tuple[str, float]]:
    """The searched names against the record's, straight or crossed (first name and surname
    swapped, which counts for a little less)."""
    first, last = S.first_name_key(cand.get("first_name")), S.surname_key(cand.get("last_name"))
    found = {}
    for field, key, straight, crossed, given in (
            ("first_name", S.first_name_key, first, last, True), ("last_name", S.surname_key, last, first, False)):
        if q.get(field):
            query = key(q[field])
            kind, score = name_match(query, straight, given=given)
            swapped = name_match(query, crossed, given=not given)
            if swapped[1] * 0.9 > score:  # a partial name stays partial, swapped or not
                kind = swapped[0] if swapped[0] in PARTIAL_NAME_MATCHES else "swapped"
                score = swapped[1] * 0.9
            found[field] = (kind, score)
    return found


def _dob_match(query: date | None, year: int | None, value: date | None) -> tuple[str, float]:
    if value is None:
        return "missing", 0.0
    if query is None:
        return ("exact", 1.0) if value.year == year else ("near", 0.4) if abs(value.year - year) == 1 \
            else ("different", 0.0)
    if query == value:
        return "exact", 1.0
    if _swap(query) == value:
        return "swapped", 0.8
    same = (query.year == value.year) + (query.month == value.month) + (query.day == value.day)
    return {2: ("partial", 0.6), 1: ("partial", 0.2)}.get(same, ("different", 0.0))


def score_candidate(q: dict, cand: dict) -> tuple[float, dict[str, str]] | None:
    """0..1: weighted similarity of a record to the searched details (only given fields
    count), and how each field matched; None when the record is filtered out (another
    gender, or a year of birth more than one out)."""
    if q.get("gender") in ("M", "F", "X") and cand.get("gender") not in (None, "", "U", q["gender"]):
        return None
    parts = {field: (0.35, found) for field, found in _names(q, cand).items()}
    year = q.get("year_of_birth")
    if q.get("date_of_birth") or year:
        kind, score = _dob_match(q.get("date_of_birth"), year, to_native(cand.get("date_of_birth")))
        if year and not q.get("date_of_birth") and kind in ("different", "missing"):
            return None
        parts["date_of_birth"] = (0.25, (kind, score))
    weights = sum(w for w, _ in parts.values())
    if not weights:
        return None
    return sum(w * s for w, (_, s) in parts.values()) / weights, {f: k for f, (_, (k, _)) in parts.items()}


def blocking_lookups(first_name: str | None, last_name: str | None, date_of_birth: date | None,
                     year_of_birth: int | None = None) -> dict[str, list[str]]:
    """The resolution blocking keys of the searched details, for the given name and each of
    its variants, and for the day/month swap of the date of birth (or the year alone)."""
    from aim.resolution.blocking import blocking_keys

    given = S.first_name_key(first_name)
    variants = [given] + given_variants(given)[:15] if given else [""]
    if date_of_birth:
        dobs = [d.isoformat() for d in (date_of_birth, _swap(date_of_birth)) if d]
    else:
        dobs = [str(year_of_birth) if year_of_birth else None]
    found: dict[str, set[str]] = {"names": set(), "dob_l": set(), "dob_f": set(), "dob_i": set(), "ny_yob": set()}
    for first in variants:
        for dob in dobs:
            for key in blocking_keys({"first_name": first, "last_name": last_name, "date_of_birth": dob}):
                rule = key.split(":", 1)[0]
                if rule in found:
                    found[rule].add(key)
    return {rule: sorted(keys) for rule, keys in found.items()}


def _ranked(tx: ManagedTransaction, q: dict, min_score: float, confident: float) -> tuple[list[tuple], bool]:
    """Every subject scoring at least ``min_score``, best first, as ``(subject, score,
    match)``, and whether a candidate query hit its cap (so that there may be more).

    Candidates come first from the blocking-key indexes (cheap equality seeks); the
    full-text index is asked as well unless those gave a confident match on whole names
    (typos that change the phonetic key, initials and the starts of names, records not
    yet resolved)."""
    best: dict[str, tuple[float, dict]] = {}
    capped = False
    # A person's records mostly repeat the same details, and the candidate queries overlap:
    # each distinct set of details is scored once.
    scores: dict[tuple, tuple[float, dict[str, str]] | None] = {}

    def rank(rows) -> None:
        nonlocal capped
        rows = list(rows)
        capped = capped or len(rows) >= CANDIDATES
        for cand in rows:
            details = (cand["first_name"], cand["last_name"], cand["date_of_birth"], cand["gender"])
            if details not in scores:
                scores[details] = score_candidate(q, cand)
            scored = scores[details]
            subject = cand["person_id"] or subject_id(cand["source"], cand["source_record_id"])
            if scored and scored[0] > best.get(subject, (-1.0,))[0]:
                best[subject] = scored

    rank(tx.run(cypher.load("api/search_blocking"), limit=CANDIDATES,
                **blocking_lookups(q["first_name"], q["last_name"], q["date_of_birth"], q["year_of_birth"])))
    whole_names = (score for score, match in best.values() if not set(match.values()) & PARTIAL_NAME_MATCHES)
    if not any(score >= confident for score in whole_names):
        lucene = lucene_query(q["first_name"], q["last_name"])
        if lucene:
            rank(tx.run(cypher.load("api/search_names"), lucene=lucene, limit=CANDIDATES))
        if q["date_of_birth"]:
            dobs = [d for d in (q["date_of_birth"], _swap(q["date_of_birth"])) if d]
            rank(tx.run(cypher.load("api/search_dob"), dobs=dobs, limit=CANDIDATES))
    ranked = sorted(((s, score, match) for s, (score, match) in best.items() if score >= min_score),
                    key=lambda s: (-s[1], s[0]))
    return ranked, capped


def search_page(tx: ManagedTransaction, *, first_name: str | None = None, last_name: str | None = None,
                date_of_birth: date | None = None, year_of_birth: int | None = None, gender: str | None = None,
                limit: int = 20, min_score: float = 0.55, confident: float = 0.85) -> dict:
    """``{results, more, more_at_least}``: the best ``limit`` subjects (``{subject_id, score,
    match, first_name, last_name, date_of_birth, age, gender, address, postcode, agencies}``,
    ``match`` saying how each searched field matched), how many more matched, and whether
    that count is only a lower bound (a candidate query reached its cap)."""
    q = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth,
         "year_of_birth": None if date_of_birth else year_of_birth, "gender": gender}
    ranked, capped = _ranked(tx, q, min_score, confident)
    more = max(0, len(ranked) - limit)
    ranked = ranked[:limit]
    if not ranked:
        return {"results": [], "more": 0, "more_at_least": False}
    subjects = [parse_subject(s) for s, _, _ in ranked]
    rows = tx.run(cypher.load("api/subject_summaries"),
                  subjects=[{"id": s.id, **s.params()} for s in subjects])
    summaries = {r["subject"]: r for r in rows}
    out = []
    for subject, score, match in ranked:
        row = summaries.get(subject)
        if row is None:
            continue
        details = row["details"] or {}
        dob = to_native(details.get("date_of_birth"))
        address = row["address"] or {}
        out.append({
            "subject_id": subject,
            "score": round(score, 4),
            "match": match,
            "first_name": details.get("first_name"),
            "last_name": details.get("last_name"),
            "date_of_birth": dob,
            "age": age(dob),
            "gender": details.get("gender"),
            "address": address.get("line") or details.get("address"),
            "postcode": address.get("postcode") or details.get("postcode"),
            "agencies": sorted(row["agencies"]),
        })
    return {"results": out, "more": more, "more_at_least": capped and more > 0}


def search(tx: ManagedTransaction, **criteria) -> list[dict]:
    """The ranked subjects of :func:`search_page` alone."""
    return search_page(tx, **criteria)["results"]
