"""Explanations: how each field moved a pair's match weight (Splink-style waterfall)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from . import comparisons as CMP
from .model import Model
from .predict import match_weights, probability, tf_from_model, tf_tables
from .records import Prepared, prepare


def explain_pair(model: Model, a: Mapping[str, object] | None = None, b: Mapping[str, object] | None = None,
                 *, prepared: Prepared | None = None, i: int | None = None, j: int | None = None) -> dict:
    """The contribution of each field to the match weight of one pair.

    Either two records (dicts with the canonical fields; term frequencies from the
    model) or an already prepared set with two record indices (term frequencies from
    that set). Returns ``{"match_weight", "match_probability", "terms": [{field, level,
    label, m, u, weight, tf_adjustment, values}]}`` whose ``weight`` values (prior first)
    add up to ``match_weight``.
    """
    if prepared is None:
        if a is None or b is None:
            raise ValueError("give two records, or prepared= with i= and j=")
        prepared = prepare([dict(a, record_id=str(a.get("record_id", "a")), source="a", source_record_id="a"),
                            dict(b, record_id=str(b.get("record_id", "b")), source="b", source_record_id="b")])
        i, j, tf = 0, 1, tf_from_model(model, prepared)
    else:
        tf = tf_tables(prepared)
    ii = np.array([i], dtype=np.int64)
    jj = np.array([j], dtype=np.int64)
    gam, w, parts, inter = contributions(model, prepared, ii, jj, tf)
    base = match_weights(model, prepared, ii, jj, gam, None, with_parts=True)[1][0]
    terms = [{"field": "prior", "level": None, "label": "prior (match rate)", "weight": model.prior_weight,
              "m": None, "u": None, "tf_adjustment": 0.0, "values": None}]
    raw = {"first_name": "first", "last_name": "last", "date_of_birth": "dob", "gender": None,
           "location": None}
    for k, c in enumerate(CMP.COMPARISONS):
        lv = int(gam[0, k])
        col = raw[c.name]
        if c.name == "location":
            vals = [" ".join(x for x in (prepared.text("addr", r), prepared.text("pc", r)) if x) for r in (i, j)]
        elif col is None:
            g = {0: "M", 1: "F", 2: "X"}
            vals = [g.get(int(prepared.cols["gender"][x]), "") for x in (i, j)]
        else:
            vals = [prepared.text(col, x) for x in (i, j)]
        terms.append({
            "field": c.name, "level": lv, "label": c.levels[lv] if lv >= 0 else "null",
            "m": float(model.m[k][lv]) if lv >= 0 else None,
            "u": float(model.u[k][lv]) if lv >= 0 else None,
            "weight": float(parts[0, k]), "tf_adjustment": float(parts[0, k] - base[k]),
            "values": vals,
        })
    if inter[0] != 0.0:
        terms.append({"field": "surname x location", "level": None,
                      "label": "shared surname and address are common among different people (households)"
                      if inter[0] < 0 else "a new surname with a new address is common for one person (marriage)",
                      "weight": float(inter[0]), "m": None, "u": None, "tf_adjustment": 0.0, "values": None})
    return {"match_weight": float(w[0]), "match_probability": float(probability(w)[0]),
            "record_ids": [prepared.record_ids[i], prepared.record_ids[j]], "terms": terms}


def contributions(model: Model, prepared: Prepared, i: np.ndarray, j: np.ndarray, tf: dict[str, np.ndarray],
                  gammas: np.ndarray | None = None):
    """What every explanation is made of, for the pairs ``(i[k], j[k])``: comparison
    levels, match weights, per-field weights (with the name-frequency adjustment from
    ``tf``) and the interaction term. Returns ``(gammas, weights, parts, interaction)``."""
    if gammas is None:
        gammas = CMP.compare(prepared, i, j)
    weights, parts, inter = match_weights(model, prepared, i, j, gammas, tf, with_parts=True)
    return gammas, weights, parts, inter


def stored_explanations(model: Model, prepared: Prepared, i: np.ndarray, j: np.ndarray,
                        tf: dict[str, np.ndarray], gammas: np.ndarray | None = None) -> list[str]:
    """The compact explanation stored on a ``SIMILAR`` pair, one JSON text per pair: prior,
    then ``[level label, weight]`` per field (and the interaction term when there is one);
    the weights add up to the match weight. ``name_frequency`` holds the part of the name
    fields' weights that is the name-frequency adjustment, when there is one. The batch run
    and real-time resolution both store this form; ``aim explain`` shows the same terms
    (:func:`explain_pair`)."""
    gammas, _, parts, inter = contributions(model, prepared, i, j, tf, gammas)
    base = match_weights(model, prepared, i, j, gammas, None, with_parts=True)[1]
    prior = round(model.prior_weight, 3)
    levels = gammas.tolist()
    weights = np.round(parts, 3).tolist()
    adjustments = np.round(parts - base, 3).tolist()
    extra = np.round(inter, 3).tolist()
    out = []
    for k in range(len(levels)):
        terms = {c.name: [c.levels[levels[k][f]] if levels[k][f] >= 0 else "null", weights[k][f]]
                 for f, c in enumerate(CMP.COMPARISONS)}
        item = {"prior": prior, "terms": terms}
        frequency = {c.name: adjustments[k][f] for f, c in enumerate(CMP.COMPARISONS) if adjustments[k][f]}
        if frequency:
            item["name_frequency"] = frequency
        if extra[k]:
            item["interaction"] = extra[k]
        out.append(json.dumps(item, separators=(",", ":")))
    return out


def waterfall_chart(explanation: dict, path: str | Path) -> Path:
    """Draw the explanation as a waterfall chart (PNG/SVG by extension) with matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    terms = explanation["terms"]
    labels = [t["field"] if t["field"] == "prior" else f"{t['field']}\n{t['label']}" for t in terms]
    weights = [t["weight"] for t in terms]
    starts = np.concatenate([[0.0], np.cumsum(weights)[:-1]])
    fig, ax = plt.subplots(figsize=(9, 4.8))
    colors = ["#999999"] + ["#2a9d8f" if w >= 0 else "#e76f51" for w in weights[1:]]
    ax.bar(range(len(terms)), weights, bottom=starts, color=colors, edgecolor="black", linewidth=0.5)
    total = explanation["match_weight"]
    ax.bar(len(terms), total, color="#264653")
    for x, (s, w) in enumerate(zip(starts, weights)):
        ax.text(x, s + w + (0.3 if w >= 0 else -0.3), f"{w:+.1f}", ha="center",
                va="bottom" if w >= 0 else "top", fontsize=8)
    ax.text(len(terms), total, f"{total:.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(terms) + 1), labels + ["final\nweight"], fontsize=7)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("match weight (bits)")
    a, b = explanation["record_ids"]
    ax.set_title(f"{a} vs {b}: match probability {explanation['match_probability']:.4f}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
