"""When two given names (``"GIVEN [MIDDLE]"``, standardised) are one person's and when they
plainly differ: the rules the over-merge guard and the clusters' evidence judge names by."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from .standardise import nickname_equivalent


def names_differ(a: str, b: str) -> bool:
    """Plainly different given names (``"GIVEN [MIDDLE]"``): no name of one is like a
    name of the other ("ALI" and "MUHAMMAD ALI" are alike), or both have a middle name,
    the given names are alike and the middle names are not ("MUHAMMAD ALI" and "MUHAMMAD
    OMAR": twins)."""
    if a == b or not a or not b:
        return False
    ta, tb = a.split(" "), b.split(" ")
    if len(ta) == 1 and len(tb) == 1:
        return not _name_like(a, b)
    return not any(_name_like(x, y) for x in ta for y in tb) or _middle_names_clash(ta, tb)


def _middle_names_clash(ta: list[str], tb: list[str]) -> bool:
    return len(ta) > 1 and len(tb) > 1 and _name_like(ta[0], tb[0]) and not _name_like(ta[1], tb[1])


def names_conflict(anchors: Collection[str], values: Collection[str], bridge_limit: int = 60) -> bool:
    """Two of the ``anchors`` plainly differ (:func:`names_differ`) and are not one name
    written two ways: a chain of agreeing names (:func:`names_agree`) among ``values``
    (the names the records carry) joins "MANDY" to "AMANAD" through "AMANDA" (a nickname
    of one, a typo of the other). A chain of names that merely do not differ would also
    join "JESSICA" to "DEBRA" through "DEBRA JESSICA", but it joined more twins and
    siblings than people called by their middle name (independent 300k: precision
    0.9900 → 0.9889). Middle names that clash are bridged only by names that have a middle
    name too ("MUHAMMAD" would join twins "MUHAMMAD ALI" and "MUHAMMAD OMAR"; "ALEXA ROSE"
    joins typos "ALEXA OSE" and "ALEXA RXOSE"); nothing among more than ``bridge_limit``
    names is bridged (the chains are checked pairwise)."""
    anchors = sorted(set(anchors))
    differ = [(a, b) for k, a in enumerate(anchors) for b in anchors[k + 1:] if names_differ(a, b)]
    if not differ:
        return False
    names = sorted(set(values) | set(anchors))
    if len(names) > bridge_limit:
        return True
    group = dict(zip(names, _agreeing_groups(tuple(names))))
    # Clashing middle names are bridged only through names that carry a middle name too
    # ("ALEXA OSE" and "ALEXA RXOSE" through "ALEXA ROSE": typos of one middle name).
    with_middle = tuple(x for x in names if " " in x)
    middle_group = dict(zip(with_middle, _agreeing_groups(with_middle)))
    return any(middle_group[a] != middle_group[b] if _middle_names_clash(a.split(" "), b.split(" "))
               else group[a] != group[b] for a, b in differ)


@lru_cache(maxsize=50_000)
def _agreeing_groups(names: tuple[str, ...]) -> tuple[int, ...]:
    """Group number of each name: the names joined by chains of :func:`names_agree`."""
    group = list(range(len(names)))
    for k, x in enumerate(names):
        for j in range(k + 1, len(names)):
            if group[j] != group[k] and names_agree(x, names[j]):
                old = group[j]
                group = [group[k] if g == old else g for g in group]
    return tuple(group)


def names_agree(a: str, b: str) -> bool:
    """Given names (``"GIVEN [MIDDLE]"``) that support each other as one identity: the given
    names are alike and so are the middle names where both have one ("MUHAMMAD" supports
    "MUHAMMAD ALI"; "ALI" does not, though it does not contradict it either)."""
    ta, tb = a.split(" "), b.split(" ")
    return _name_like(ta[0], tb[0]) and (len(ta) == 1 or len(tb) == 1 or _name_like(ta[1], tb[1]))


@lru_cache(maxsize=200_000)
def _name_like(a: str, b: str) -> bool:
    """One given name like another: equal, an initial of it, similar (Jaro-Winkler ≥ 0.8),
    or a nickname / variant of it."""
    if a == b:
        return True
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return True
    return JaroWinkler.normalized_similarity(a, b) >= 0.8 or nickname_equivalent(a, b)
