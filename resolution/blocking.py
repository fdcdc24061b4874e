"""Blocking: which pairs of records are compared at all.

Several rules are combined (union). Each rule gives every record one key (or none); the
records sharing a key form a block. A block of up to ``cap`` records is compared in
full; a larger block (a common surname, a big postcode) is sorted by a secondary field
and only records within ``window`` places of each other are compared (sorted
neighbourhood), so no block ever goes quadratic: a rule yields at most
``n × max(cap, window)`` pairs.

The same keys are available as strings for one record (:func:`blocking_keys`), so a
graph store can index them and find the candidates for a new record by equality lookups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import standardise as S
from ._np import unique, unique_inverse
from .records import Prepared


@dataclass(frozen=True)
class BlockingRule:
    name: str
    description: str


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
)


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pack two non-negative code arrays into one int64 key; -1 where either is missing."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    out = a * (int(b.max(initial=0)) + 1) + b
    out[(a < 0) | (b < 0)] = -1
    return out


def _initial_codes(codes: np.ndarray, uniques: list[str]) -> np.ndarray:
    table = np.array([ord(u[0]) if u else -1 for u in uniques] + [-1], dtype=np.int64)
    return table[codes]  # code -1 picks the trailing -1


def rule_keys(p: Prepared) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each rule: (key per record, -1 = no key; secondary sort code for big blocks)."""
    C, U = p.cols, p.uniques
    full = (C["dob_y"] > 0) & (C["dob_m"] > 0) & (C["dob_d"] > 0)
    dob = np.where(full, C["dob"], -1)
    l1 = _initial_codes(C["last"], U["name"])
    f1 = _initial_codes(C["first"], U["name"])
    # Order-free phonetic name pair.
    fp, lp = C["first_ph"].astype(np.int64), C["last_ph"].astype(np.int64)
    lo, hi = np.minimum(fp, lp), np.maximum(fp, lp)
    names = _combine(lo, hi)
    names[(fp < 0) | (lp < 0)] = -1
    yob = np.where(C["dob_y"] > 0, C["dob_y"].astype(np.int64), -1)
    return {
        "dob_l": (_combine(dob, l1), C["first"]),
        "dob_f": (_combine(dob, f1), C["last"]),
        "names": (names, C["dob"]),
        "dob_i": (_combine(dob, _combine(np.minimum(f1, l1), np.maximum(f1, l1))), C["first"]),
        "dob_pc": (_combine(dob, C["pc"]), C["first"]),
        "pc_l": (_combine(C["pc"], l1), C["first"]),
        "pc_h": (_combine(C["pc"], C["house"]), C["last"]),
        "ny_yob": (_combine(C["last_ny"], yob), C["first"]),
        "street_f": (_combine(C["street_key"], f1), C["last"]),
    }


def blocking_keys(record: Mapping[str, object]) -> list[str]:
    """The blocking keys of one record, as strings (``"rule:value"``), for indexed lookups.

    Two records are candidates when they share at least one key. The keys match the
    batch rules in :data:`RULES` exactly (same standardisation).
    """
    first = S.first_name_key(record.get("first_name"))  # type: ignore[arg-type]
    last = S.surname_key(record.get("last_name"))  # type: ignore[arg-type]
    dob = S.parse_dob(record.get("date_of_birth"))  # type: ignore[arg-type]
    pc = S.normalise_postcode(record.get("postcode")).text  # type: ignore[arg-type]
    keys = []
    if dob.full and last:
        keys.append(f"dob_l:{dob.text}:{last[0]}")
    if dob.full and first:
        keys.append(f"dob_f:{dob.text}:{first[0]}")
    if first and last:
        a, b = sorted((S.phonetic_key(first), S.phonetic_key(last)))
        keys.append(f"names:{a}|{b}")
    if dob.full and first and last:
        a, b = sorted((first[0], last[0]))
        keys.append(f"dob_i:{dob.text}:{a}{b}")
    if dob.full and pc:
        keys.append(f"dob_pc:{dob.text}:{pc}")
    if pc and last:
        keys.append(f"pc_l:{pc}:{last[0]}")
    address = S.parse_address(record.get("address"))  # type: ignore[arg-type]
    house = address.house
    if pc and house:
        keys.append(f"pc_h:{pc}:{house}")
    if last and dob.year:
        keys.append(f"ny_yob:{S.nysiis_key(last)}:{dob.year}")
    street = S.street_key(address)
    if street and first:
        keys.append(f"street_f:{street}:{first[0]}")
    return keys


def shared_key_pairs(records: Sequence[Mapping[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i < j) of the records that share a blocking key: the candidate pairs of
    a few records, as :func:`block` would pair them (its caps only bite on big blocks)."""
    holders: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        for key in blocking_keys(record):
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
    _codes: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_pairs(self) -> int:
        return int(self.left.size)

    def codes(self, n: int) -> np.ndarray:
        """``left·n + right`` of every pair, sorted (computed once)."""
        if self._codes is None:
            self._codes = self.left.astype(np.int64) * np.int64(n) + self.right
        return self._codes


def block(p: Prepared, cap: int = 100, window: int = 30, rules: tuple[str, ...] | None = None) -> BlockingResult:
    """Candidate pairs: the union of every rule's pairs, deduplicated, with left < right."""
    keys = rule_keys(p)
    codes = []
    per_rule, capped = {}, {}
    n = np.int64(p.n)
    for name, (key, secondary) in keys.items():
        if rules is not None and name not in rules:
            continue
        a, b, c = _pairs_for_key(key, secondary.astype(np.int64), cap, window)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        codes.append(lo.astype(np.int64) * n + hi)
        per_rule[name] = int(a.size)
        capped[name] = c
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
