"""Blocking: which pairs of records are compared at all.

Several rules are combined (union). Each rule gives every record one key (or none; a rule
with slots, one key per slot in one key space); the records sharing a key form a block. A block of up to ``cap`` records is compared in
full; a larger block (a common surname, a big postcode) is sorted by a secondary field
and only records within ``window`` places of each other are compared (sorted
neighbourhood), so no block ever goes quadratic: a rule yields at most
``n × max(cap, window)`` pairs.

The same keys are available as strings for one record (:func:`blocking_keys`), so a
graph store can index them and find the candidates for a new record by equality lookups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import standardise as S
from ._np import each_in_threads, pair_codes, unique, unique_inverse
from .errors import pairs_within
from .records import Prepared, full_dob


@dataclass(frozen=True)
class BlockingRule:
    name: str
    description: str
    # A rule with slots gives a record one key per slot, all in one key space: two records
    # are paired when any key of one equals any key of the other (a given name written in
    # the surname field). Each slot is stored as its own key, ``<rule>_<slot>``.
    slots: tuple[str, ...] = ()

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}_{slot}" for slot in self.slots) or (self.name,)


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("dob_l", "full date of birth + first letter of surname"),
    BlockingRule("dob_f", "full date of birth + first letter of given name"),
    BlockingRule("names", "metaphone of given name and surname (order-free, catches swaps)"),
    BlockingRule("dob_i", "full date of birth + both initials, order-free (catches swapped names)"),
    BlockingRule("dob_pc", "full date of birth + postcode"),
    BlockingRule("pc_l", "postcode + first letter of surname"),
    BlockingRule("pc_h", "postcode + house number"),
    BlockingRule("ny_yob", "NYSIIS of surname + year of birth"),
    BlockingRule("street_f", "house number + street + given-name initial (postcode missing or mistyped)"),
    BlockingRule("street_l", "house number + street + metaphone of surname (a new given name, postcode missing or "
                             "mistyped)"),
    BlockingRule("dob_h", "full date of birth + house number (both names changed, or swapped with typos)"),
    BlockingRule("dob_n", "full date of birth + metaphone of either name (one name moved to the other field)",
                 slots=("first", "last")),
)
KEY_NAMES: tuple[str, ...] = tuple(name for rule in RULES for name in rule.key_names)
# Rules blocked at once on a machine with more cores: each holds its pairs' temporaries
# (a few hundred MB at a million records).
RULES_AT_ONCE = 4
# A slot's key string starts with its rule's name: the slots of one rule share a key space.
_RULE_OF_KEY = {name: rule.name for rule in RULES for name in rule.key_names}


def _combine(a: np.ndarray, b: np.ndarray, width: int | None = None) -> np.ndarray:
    """Pack two non-negative code arrays into one int64 key; -1 where either is missing.
    ``width`` (default: b's largest code + 1) must be shared by keys of one key space."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    out = a * (int(b.max(initial=0)) + 1 if width is None else width) + b
    out[(a < 0) | (b < 0)] = -1
    return out


def _initial_codes(codes: np.ndarray, uniques: list[str]) -> np.ndarray:
    table = np.array([ord(u[0]) if u else -1 for u in uniques] + [-1], dtype=np.int64)
    return table[codes]  # code -1 picks the trailing -1


def rule_keys(p: Prepared) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """For each rule, per slot: (key per record, -1 = no key; secondary sort code for big
    blocks)."""
    C, U = p.cols, p.uniques
    dob = np.where(full_dob(p), C["dob"], -1)
    l1 = _initial_codes(C["last"], U["name"])
    f1 = _initial_codes(C["first"], U["name"])
    # Given and surname phonetic codes share one table (records._names), so they compare.
    fp, lp = C["first_ph"].astype(np.int64), C["last_ph"].astype(np.int64)
    lo, hi = np.minimum(fp, lp), np.maximum(fp, lp)
    names = _combine(lo, hi)
    names[(fp < 0) | (lp < 0)] = -1
    yob = np.where(C["dob_y"] > 0, C["dob_y"].astype(np.int64), -1)
    phonetic_width = int(max(fp.max(initial=0), lp.max(initial=0))) + 1
    return {
        "dob_l": [(_combine(dob, l1), C["first"])],
        "dob_f": [(_combine(dob, f1), C["last"])],
        "names": [(names, C["dob"])],
        "dob_i": [(_combine(dob, _combine(np.minimum(f1, l1), np.maximum(f1, l1))), C["first"])],
        "dob_pc": [(_combine(dob, C["pc"]), C["first"])],
        "pc_l": [(_combine(C["pc"], l1), C["first"])],
        "pc_h": [(_combine(C["pc"], C["house"]), C["last"])],
        "ny_yob": [(_combine(C["last_ny"], yob), C["first"])],
        "street_f": [(_combine(C["street_key"], f1), C["last"])],
        "street_l": [(_combine(C["street_key"], lp), C["first"])],
        "dob_h": [(_combine(dob, C["house"]), C["first"])],
        "dob_n": [(_combine(dob, fp, phonetic_width), C["last"]), (_combine(dob, lp, phonetic_width), C["first"])],
    }


def record_keys(record: Mapping[str, object]) -> dict[str, str]:
    """The blocking keys of one record as strings (``"rule:value"``) by key name
    (:data:`KEY_NAMES`; a key the record lacks is left out), for indexed lookups.

    Two records are candidates when they share at least one key. The keys match the
    batch rules in :data:`RULES` exactly (same standardisation).
    """
    dob = S.parse_dob(record.get("date_of_birth"))  # type: ignore[arg-type]
    address = S.parse_address(record.get("address"))  # type: ignore[arg-type]
    return standardised_keys(S.first_name_key(record.get("first_name")),  # type: ignore[arg-type]
                             S.surname_key(record.get("last_name")),  # type: ignore[arg-type]
                             dob.text if dob.full else "", dob.year,
                             S.normalise_postcode(record.get("postcode")).text,  # type: ignore[arg-type]
                             address.house, S.street_key(address))


def standardised_keys(first: str, last: str, dob_text: str, year: int, pc: str, house: str,
                      street: str) -> dict[str, str]:
    """:func:`record_keys` of values already standardised as it standardises them (given
    name and surname keys, full date of birth or "", year of birth, postcode, house number,
    street key): the Spark backend keys the records its engine call has prepared."""
    first_ph, last_ph = (S.phonetic_key(first) if first else ""), (S.phonetic_key(last) if last else "")
    candidates = {
        "dob_l": (dob_text, last[:1]),
        "dob_f": (dob_text, first[:1]),
        "names": ("|".join(sorted((first_ph, last_ph))) if first and last else "",),
        "dob_i": (dob_text, "".join(sorted((first[:1], last[:1]))) if first and last else ""),
        "dob_pc": (dob_text, pc),
        "pc_l": (pc, last[:1]),
        "pc_h": (pc, house),
        "ny_yob": (S.nysiis_key(last) if last else "", str(year) if year else ""),
        "street_f": (street, first[:1]),
        "street_l": (street, last_ph),
        "dob_h": (dob_text, house),
        "dob_n_first": (dob_text, first_ph),
        "dob_n_last": (dob_text, last_ph),
    }
    return {name: ":".join((_RULE_OF_KEY[name], *parts)) for name, parts in candidates.items() if all(parts)}


def blocking_keys(record: Mapping[str, object]) -> list[str]:
    """The distinct blocking keys of one record (see :func:`record_keys`)."""
    return sorted(set(record_keys(record).values()))


def shared_key_pairs(records: Sequence[Mapping[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i < j) of the records that share a blocking key: the candidate pairs of
    a few records, as :func:`block` would pair them (its caps only bite on big blocks)."""
    holders: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        for key in blocking_keys(record):  # distinct: a record is never its own candidate
            holders.setdefault(key, []).append(i)
    pairs = sorted({(a, b) for group in holders.values() for k, a in enumerate(group) for b in group[k + 1:]})
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)


def _pairs_for_key(key: np.ndarray, secondary: np.ndarray, cap: int, window: int):
    """All pairs within blocks of size ≤ cap; sorted-neighbourhood pairs in bigger blocks."""
    idx = np.flatnonzero(key >= 0)
    if idx.size < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), 0
    order = idx[np.lexsort((idx, secondary[idx], key[idx]))]
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, k.size])
    end = np.repeat(starts + sizes, sizes)            # end (exclusive) of each position's block
    limit = np.repeat(np.where(sizes > cap, window, sizes), sizes)
    capped = int((sizes > cap).sum())
    pos = np.flatnonzero(sizes.repeat(sizes) > 1)
    left, right = [], []
    d = 1
    while pos.size:
        ok = (pos + d < end[pos]) & (d < limit[pos])
        pos = pos[ok]
        if not pos.size:
            break
        left.append(order[pos])
        right.append(order[pos + d])
        d += 1
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64), capped
    return np.concatenate(left), np.concatenate(right), capped


@dataclass
class BlockingResult:
    left: np.ndarray          # record index, left < right
    right: np.ndarray
    per_rule: dict[str, int]  # pairs generated by each rule (before union)
    capped_blocks: dict[str, int]

    @property
    def n_pairs(self) -> int:
        return int(self.left.size)


def _rule_pairs(p: Prepared, cap: int, window: int, rules: tuple[str, ...] | None = None):
    """(rule, pair codes ``lo·n + hi`` with lo < hi, capped blocks) of each rule, the rules
    a core each at once. The slots of a rule are blocked together, as one list of keys."""
    n = np.int64(p.n)
    chosen = [(name, slots) for name, slots in rule_keys(p).items() if rules is None or name in rules]

    def rule_pairs(rule: tuple[str, list[tuple[np.ndarray, np.ndarray]]]):
        name, slots = rule
        key = np.concatenate([k for k, _ in slots]).astype(np.int64)
        secondary = np.concatenate([s for _, s in slots]).astype(np.int64)
        a, b, capped = _pairs_for_key(key, secondary, cap, window)
        a, b = a % n, b % n            # position among the stacked slots → record
        keep = a != b                  # a record whose two slots share a key
        codes = pair_codes(a[keep], b[keep], n)
        # Records agreeing on both slots meet twice.
        return name, unique(codes) if len(slots) > 1 else codes, capped

    return each_in_threads(rule_pairs, chosen, at_most=RULES_AT_ONCE)


def block(p: Prepared, cap: int = 100, window: int = 30, rules: tuple[str, ...] | None = None) -> BlockingResult:
    """Candidate pairs: the union of every rule's pairs, deduplicated, with left < right."""
    codes = []
    per_rule, capped = {}, {}
    n = np.int64(p.n)
    for name, rule_codes, rule_capped in _rule_pairs(p, cap, window, rules):
        codes.append(rule_codes)
        per_rule[name] = int(rule_codes.size)
        capped[name] = rule_capped
    allc = unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
    return BlockingResult(allc // n, allc % n, per_rule, capped)


def blocking_recall(p: Prepared, result: BlockingResult, truth_entity: np.ndarray) -> float:
    """Share of true matching record pairs that blocking generated (truth per record)."""
    t = np.asarray(truth_entity)
    _, inv = unique_inverse(t)
    sizes = np.bincount(inv)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    found = int((inv[result.left] == inv[result.right]).sum())
    return found / true_pairs if true_pairs else 1.0


def recall_by_rule(p: Prepared, truth_entity: Sequence | np.ndarray, cap: int = 100, window: int = 30) -> dict:
    """What each rule contributes, from the truth per record: of the true record pairs,
    how many the rule makes candidates (``found``) and how many no other rule does
    (``only``: what dropping the rule would lose); its candidate pairs (``pairs``) and
    those no other rule makes (``only_pairs``: what dropping it would save)."""
    _, groups = unique_inverse(np.asarray(truth_entity))
    a, b = pairs_within(groups)
    true = np.unique(pair_codes(a, b, p.n))
    names, codes = zip(*((name, rule_codes) for name, rule_codes, _ in _rule_pairs(p, cap, window)))
    made = np.concatenate(codes)
    rule = np.repeat(np.arange(len(names)), [c.size for c in codes])
    # A rule's pairs are distinct (one key per record and slot), so a pair made once in
    # all is made by one rule only.
    distinct, at, times = np.unique(made, return_inverse=True, return_counts=True)
    once = times[at] == 1
    is_true = np.isin(made, true)

    def per_rule(mask: np.ndarray) -> np.ndarray:
        return np.bincount(rule[mask], minlength=len(names))

    found, only, only_pairs = per_rule(is_true), per_rule(is_true & once), per_rule(once)
    return {"true_pairs": int(true.size), "found": int(np.isin(true, distinct).sum()),
            "rules": {name: {"found": int(found[k]), "only": int(only[k]), "pairs": int(codes[k].size),
                             "only_pairs": int(only_pairs[k])} for k, name in enumerate(names)}}


def recall_table(by_rule: dict) -> list[str]:
    """:func:`recall_by_rule` as lines of a table (for the CLI and the benchmark)."""
    true = max(by_rule["true_pairs"], 1)
    lines = [f"blocking recall {by_rule['found'] / true:.4f} ({by_rule['found']:,} of {by_rule['true_pairs']:,} "
             "true record pairs are candidates); per rule, true pairs and candidates (only it: no other rule's):",
             f"  {'rule':<9} {'recall':>7} {'found':>9} {'only it':>8} {'candidates':>11} {'only it':>10}"]
    lines += [f"  {rule:<9} {r['found'] / true:>7.4f} {r['found']:>9,} {r['only']:>8,} {r['pairs']:>11,} "
              f"{r['only_pairs']:>10,}" for rule, r in by_rule["rules"].items()]
    return lines
