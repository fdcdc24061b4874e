"""The Fellegi–Sunter model: m and u per comparison level, estimated without labels.

* ``u`` (P(level | non-match)) from comparisons of uniformly random record pairs, which
  are almost all non-matches.
* ``m`` (P(level | match)) and the prior match rate among candidate pairs ``λ`` by
  expectation maximisation over the blocked candidate pairs, with ``u`` held fixed
  (as Splink does). EM runs on the *distinct* comparison vectors weighted by their
  counts, so it costs nothing however many pairs there are.
* Term-frequency adjustment for names: an exact agreement on a value of frequency
  ``tf`` has weight ``log2(m_exact / tf)`` instead of ``log2(m_exact / u_exact)``, so
  agreeing on "SMITH" counts for less than agreeing on "ZBIGNIEW".

A match weight is ``log2(λ/(1-λ)) + Σ log2(m/u)`` (+ tf adjustments); the match
probability is ``2^w / (1 + 2^w)``. Parameters are saved to / loaded from JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .comparisons import COMPARISONS

FORMAT = "aim-resolution-model/4"   # 2: the levels of issue 17; 3: a name in the other field;
                                    # 4: a house number a typo apart (earlier formats cannot be scored)
INTERACTION_FIELDS = ("last_name", "location")


class ModelFormatError(ValueError):
    """A model saved by an engine with other comparison levels: it must be retrained."""


@dataclass
class Model:
    m: list[np.ndarray]
    u: list[np.ndarray]
    lam: float                                  # P(match) among candidate pairs
    link_threshold: float = 0.95                # match probability to link
    review_threshold: float = 0.5               # [review, link) goes to clerical review
    tf: dict[str, dict[str, float]] = field(default_factory=dict)  # field → value → frequency
    tf_min: float = 1e-6
    cap: int = 100
    window: int = 30
    history: list[dict] = field(default_factory=list)
    # Dependence correction between two comparisons, among non-matches (households, ≤ 0:
    # interaction.estimate_interaction) plus among matches (marriage with a move, ≥ 0 where
    # it counts: interaction.estimate_match_dependence):
    # weight added for each (level of INTERACTION_FIELDS[0], level of [1]) cell.
    interaction: np.ndarray | None = None
    # The data's own "now" for who counts as an adult (cluster_evidence.reference_year), kept
    # so that answers do not change with the calendar and the real-time path uses the batch's.
    reference_year: int | None = None
    # u of an exact given name is at least this for two records of one surname at one
    # address: a junior shares his father's name whatever its frequency (engine.junior_rate;
    # 0: no juniors seen, the name's own frequency as everywhere else).
    given_name_at_home: float = 0.0

    # ---- weights -------------------------------------------------------------------------
    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.lam / (1 - self.lam)))

    @property
    def link_weight(self) -> float:
        """The match weight at the link threshold (pairs at or above it are linked)."""
        return float(np.log2(self.link_threshold / (1 - self.link_threshold)))

    @property
    def review_weight(self) -> float:
        """The match weight at the review threshold ([review, link) goes to clerical review)."""
        return float(np.log2(self.review_threshold / (1 - self.review_threshold)))

    def as_link(self, weights: np.ndarray) -> np.ndarray:
        """The weights of pairs linked by their clusters' evidence as they are stored: at least
        the link weight, rounded up to 0.001 bit (the graph stores weights rounded), so that the
        real-time path, which re-clusters from stored weights, keeps them linked."""
        return np.maximum(weights, np.ceil(self.link_weight * 1000) / 1000)

    def level_weights(self) -> list[np.ndarray]:
        """log2(m/u) per field per level."""
        return [np.log2(m / u) for m, u in zip(self.m, self.u)]

    def weight_table(self) -> np.ndarray:
        """(n_fields, max_levels + 1) table; the last column is the null level (weight 0)."""
        L = max(len(m) for m in self.m)
        t = np.zeros((len(self.m), L + 1))
        for k, w in enumerate(self.level_weights()):
            t[k, : len(w)] = w
        return t

    # ---- persistence ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "comparisons": [
                {"field": c.name, "levels": [
                    {"label": lab, "m": float(self.m[k][lv]), "u": float(self.u[k][lv])}
                    for lv, lab in enumerate(c.levels)], "tf": c.tf}
                for k, c in enumerate(COMPARISONS)
            ],
            "lambda": self.lam,
            "link_threshold": self.link_threshold,
            "review_threshold": self.review_threshold,
            "tf_min": self.tf_min,
            "blocking": {"cap": self.cap, "window": self.window},
            "tf": self.tf,
            "history": self.history,
            "interaction": None if self.interaction is None else {
                "fields": list(INTERACTION_FIELDS), "weights": self.interaction.tolist()},
            "reference_year": self.reference_year,
            "given_name_at_home": self.given_name_at_home,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, sort_keys=False))

    @classmethod
    def from_dict(cls, d: dict) -> Model:
        found = d.get("format")
        if isinstance(found, str) and found.startswith("aim-resolution-model/") and found != FORMAT:
            raise ModelFormatError(
                f"this resolution model is in format {found!r}, saved by an earlier engine whose "
                f"comparison levels differ from this one's ({FORMAT!r}), so it cannot score records: "
                "retrain it with `aim resolve --train` (a model file: `aim train`)")
        if found != FORMAT:
            raise ValueError(f"not an AIM resolution model (format {found!r})")
        fields = [c["field"] for c in d["comparisons"]]
        if fields != [c.name for c in COMPARISONS]:
            raise ValueError(f"model comparisons {fields} do not match this engine")
        m = [np.array([lv["m"] for lv in c["levels"]]) for c in d["comparisons"]]
        u = [np.array([lv["u"] for lv in c["levels"]]) for c in d["comparisons"]]
        return cls(m=m, u=u, lam=d["lambda"], link_threshold=d["link_threshold"],
                   review_threshold=d["review_threshold"], tf=d.get("tf", {}),
                   tf_min=d.get("tf_min", 1e-6), cap=d["blocking"]["cap"],
                   window=d["blocking"]["window"], history=d.get("history", []),
                   interaction=np.array(d["interaction"]["weights"]) if d.get("interaction") else None,
                   reference_year=d.get("reference_year"), given_name_at_home=d.get("given_name_at_home", 0.0))

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return cls.from_dict(json.loads(Path(path).read_text()))


# ---- estimation ----------------------------------------------------------------------------

def n_levels() -> list[int]:
    return [len(c.levels) for c in COMPARISONS]


def estimate_u(gammas: np.ndarray, pseudo: float = 0.5) -> list[np.ndarray]:
    """u per level from comparison vectors of random pairs (nulls ignored, smoothed)."""
    out = []
    for k, L in enumerate(n_levels()):
        col = gammas[:, k]
        counts = np.bincount(col[col >= 0].astype(np.int64), minlength=L)[:L].astype(float)
        out.append((counts + pseudo) / (counts.sum() + pseudo * L))
    return out


def pattern_counts(gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct comparison vectors and how often each occurs."""
    if gammas.shape[0] == 0:
        return gammas, np.empty(0, dtype=np.int64)
    codes, radix, mult = pattern_codes(gammas)
    all_counts = np.bincount(codes, minlength=int(radix.prod()))
    present = np.flatnonzero(all_counts)
    pats = ((present[:, None] // mult) % radix - 1).astype(np.int8)
    return pats, all_counts[present]


def pattern_codes(gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One small integer per comparison vector (mixed radix; null = digit 0)."""
    radix = np.array([L + 1 for L in n_levels()], dtype=np.int64)
    mult = np.cumprod(np.r_[1, radix[:-1]]).astype(np.int64)
    # int32 (the 12,150 vectors fit): half the memory traffic of int64 over 16M pairs
    codes = np.full(gammas.shape[0], int(mult.sum()), dtype=np.int32)
    digit = np.empty(gammas.shape[0], dtype=np.int32)
    for k in range(gammas.shape[1]):
        np.multiply(gammas[:, k], np.int32(mult[k]), out=digit, dtype=np.int32)
        codes += digit
    return codes, radix, mult


def default_m() -> list[np.ndarray]:
    """Starting m: mass rising towards the exact level."""
    out = []
    for L in n_levels():
        w = np.geomspace(0.05, 1.0, L) ** 2
        w[-1] = max(w[-1], 0.6 * w.sum())
        out.append(w / w.sum())
    return out


def log_likelihood(pats: np.ndarray, probs: list[np.ndarray]) -> np.ndarray:
    """Per comparison vector, the log of its probability under one class (m or u); a null level adds nothing."""
    ll = np.zeros(pats.shape[0])
    for k, p in enumerate(probs):
        col = pats[:, k].astype(np.int64)
        ok = col >= 0
        ll[ok] += np.log(p[col[ok]])
    return ll


def expectation_maximisation(
    gammas: np.ndarray | tuple[np.ndarray, np.ndarray],
    u: list[np.ndarray],
    m: list[np.ndarray] | None = None,
    lam: float = 0.1,
    fix_u: bool = True,
    fix_m_fields: tuple[int, ...] = (),
    fix_lambda: bool = False,
    max_iter: int = 200,
    tol: float = 1e-6,
    floor: float = 1e-6,
) -> tuple[list[np.ndarray], list[np.ndarray], float, list[dict]]:
    """Estimate m (and λ; u too if ``fix_u`` is False) by EM on comparison vectors.

    ``gammas`` is the (n, n_fields) level matrix, or already (patterns, counts).
    Returns (m, u, λ, history).
    """
    pats, counts = gammas if isinstance(gammas, tuple) else pattern_counts(gammas)
    counts = counts.astype(float)
    m = [x.copy() for x in (m or default_m())]
    u = [x.copy() for x in u]
    total = counts.sum()
    history: list[dict] = []
    lam = float(lam)
    if total == 0:
        return m, u, lam, history
    for it in range(max_iter):
        lm = log_likelihood(pats, m) + np.log(lam)
        lu = log_likelihood(pats, u) + np.log1p(-lam)
        post = 1.0 / (1.0 + np.exp(np.clip(lu - lm, -700, 700)))
        wm = counts * post
        wu = counts * (1 - post)
        new_m, new_u = [], []
        for k, L in enumerate(n_levels()):
            col = pats[:, k].astype(np.int64)
            ok = col >= 0
            if k in fix_m_fields:
                new_m.append(m[k])
            else:
                cm = np.bincount(col[ok], weights=wm[ok], minlength=L)[:L] + floor
                new_m.append(cm / cm.sum())
            if not fix_u:
                cu = np.bincount(col[ok], weights=wu[ok], minlength=L)[:L] + floor
                new_u.append(cu / cu.sum())
        new_lam = lam if fix_lambda else float(np.clip(wm.sum() / total, 1e-9, 1 - 1e-9))
        delta = max(float(np.max(np.abs(a - b))) for a, b in zip(new_m, m))
        delta = max(delta, abs(new_lam - lam))
        m, lam = new_m, new_lam
        if not fix_u:
            u = new_u
        history.append({"iteration": it + 1, "lambda": lam, "max_change": delta})
        if delta < tol:
            break
    return m, u, lam, history


def smooth_m(m: list[np.ndarray], floor: float = 1e-3) -> list[np.ndarray]:
    """Keep every m at least ``floor``: a level never seen among matches in training is
    rare, not impossible (one data-entry error must not veto a link on its own)."""
    out = []
    for x in m:
        y = np.maximum(x, floor)
        out.append(y / y.sum())
    return out
