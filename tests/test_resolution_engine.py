"""End to end on small synthetic data: train, link, guard, constraints, scoring, CLI."""

from __future__ import annotations

import csv
import random

import numpy as np
import pytest

from aim.resolution import engine
from aim.resolution.evaluate import evaluate
from aim.resolution.explain import explain_pair, waterfall_chart
from aim.resolution.predict import score_record

FIRST = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "George", "Mia", "Noah", "Ella", "Leo",
         "Grace", "Oscar", "Freya", "Arthur", "Lily", "Muhammad", "Sophia", "Alfie", "Evie", "William",
         "Elizabeth", "Robert", "Margaret", "Thomas", "Charlotte", "James", "Emily", "Daniel", "Hannah"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan",
        "Evans", "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
        "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner"]
STREETS = ["High Street", "Church Road", "Station Road", "Park Avenue", "Mill Lane", "Victoria Road"]
NICK = {"William": "Bill", "Elizabeth": "Liz", "Robert": "Bob", "Margaret": "Peggy", "Thomas": "Tom",
        "James": "Jim", "Daniel": "Dan"}


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 4:
        return s
    k = rng.randrange(1, len(s) - 1)
    return s[:k] + s[k + 1] + s[k] + s[k + 2:]


def synth(n_people: int = 150, seed: int = 3):
    rng = random.Random(seed)
    rows, truth = [], {}
    rid = 0
    for pid in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        dob = f"{rng.randint(1950, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        house = rng.randint(1, 120)
        street = rng.choice(STREETS)
        pc = f"B{rng.randint(1, 40)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
        gender = rng.choice("MF")
        for k in range(rng.randint(1, 4)):
            f, l_, d, a = first, last, dob, f"{house} {street}, Birmingham"
            r = rng.random()
            if r < 0.15:
                f = typo(f, rng)
            elif r < 0.25:
                l_ = typo(l_, rng)
            elif r < 0.32 and first in NICK:
                f = NICK[first]
            elif r < 0.38:
                y, mth, day = d.split("-")
                d = f"{day}/{mth}/{y}"            # another format, same date
            elif r < 0.42:
                d = ""
            elif r < 0.47:
                a = a.replace("Street", "St").replace("Road", "Rd")
            src = rng.choice(["POLICE", "ED", "SCHOOL"])
            rid += 1
            rows.append({"record_id": f"R{rid}", "source": src, "source_record_id": f"{src}{rid}",
                         "first_name": f, "last_name": l_, "date_of_birth": d, "gender": gender,
                         "address": a, "postcode": pc})
            truth[f"R{rid}"] = f"P{pid}"
    return rows, truth


@pytest.fixture(scope="module")
def data():
    return synth()


@pytest.fixture(scope="module")
def linked(data):
    rows, _ = data
    return engine.link(rows, seed=1)


def test_link_is_accurate(data, linked):
    rows, truth = data
    res = evaluate([truth[r["record_id"]] for r in rows], linked.entity_ids)
    assert res["f1"] > 0.9, res
    assert res["precision"] > 0.9


def test_link_is_deterministic(data, linked):
    rows, _ = data
    again = engine.link(rows, seed=1)
    assert again.entity_ids == linked.entity_ids


def test_rows_of_one_agency_record_stay_together(data):
    rows, _ = data
    extra = [dict(rows[0], record_id="EV1", first_name="Totally", last_name="Different"),
             dict(rows[0], record_id="EV2", date_of_birth="1901-01-01")]
    res = engine.link(rows + extra, seed=1)
    ent = dict(zip([r["record_id"] for r in rows + extra], res.entity_ids))
    assert ent["EV1"] == ent["EV2"] == ent[rows[0]["record_id"]]


def test_model_roundtrip_and_relink(data, linked, tmp_path):
    rows, _ = data
    path = tmp_path / "m.json"
    linked.model.save(path)
    from aim.resolution.model import Model

    again = engine.link(rows, Model.load(path))
    assert again.entity_ids == linked.entity_ids


def test_cannot_link_and_must_link_decisions(data, linked):
    rows, _ = data
    ids = [r["record_id"] for r in rows]
    ent = dict(zip(ids, linked.entity_ids))
    # a pair the engine linked: a human says "not the same"
    a = next(x for x in ids if sum(1 for y in ids if ent[y] == ent[x]) == 2)
    b = next(y for y in ids if ent[y] == ent[a] and y != a)
    res = engine.link(rows, linked.model, cannot_link=[(a, b)])
    ent2 = dict(zip(ids, res.entity_ids))
    assert ent2[a] != ent2[b]
    # two singletons: a human says "the same"
    singles = [x for x in ids if sum(1 for y in ids if ent[y] == ent[x]) == 1][:2]
    res = engine.link(rows, linked.model, must_link=[tuple(singles)])
    ent3 = dict(zip(ids, res.entity_ids))
    assert ent3[singles[0]] == ent3[singles[1]]


def test_score_one_new_record(data, linked):
    rows, truth = data
    target = rows[5]
    new = dict(target, record_id="NEW", first_name=target["first_name"].upper(), source="NEWSRC",
               source_record_id="N1")
    others = [r for r in rows if truth[r["record_id"]] != truth[target["record_id"]]][:5]
    out = score_record(linked.model, new, [target] + others)
    assert out[0]["record_id"] == target["record_id"]
    assert out[0]["decision"] == "link"
    assert out[0]["match_probability"] > max(o["match_probability"] for o in out[1:])
    assert set(out[0]["levels"]) == {"first_name", "last_name", "date_of_birth", "gender", "location"}


def test_explanation_adds_up(data, linked, tmp_path):
    rows, _ = data
    ex = explain_pair(linked.model, rows[0], rows[1])
    total = sum(t["weight"] for t in ex["terms"])
    assert abs(total - ex["match_weight"]) < 1e-9
    fields = [t["field"] for t in ex["terms"]]
    assert fields[0] == "prior" and "first_name" in fields and "location" in fields
    png = waterfall_chart(ex, tmp_path / "w.png")
    assert png.stat().st_size > 1000


def test_review_band(linked):
    m = linked.model
    assert m.review_threshold < m.link_threshold
    for pair in linked.review_queue():
        assert m.review_threshold <= pair["match_probability"] < m.link_threshold


def test_cli_link_evaluate_explain(data, tmp_path):
    from typer.testing import CliRunner

    from aim.cli import app

    rows, truth = data
    rec = tmp_path / "records.csv"
    with open(rec, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]) + ["event_id"])
        w.writeheader()
        w.writerows(dict(r, event_id="E") for r in rows)
    tru = tmp_path / "truth.csv"
    with open(tru, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        w.writerows(truth.items())
    out, pairs, model = tmp_path / "clusters.csv", tmp_path / "pairs.csv", tmp_path / "model.json"
    runner = CliRunner()
    r = runner.invoke(app, ["train", str(rec), "--out", str(model)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["link", str(rec), "--out", str(out), "--pairs", str(pairs), "--model", str(model)])
    assert r.exit_code == 0, r.output   # not quiet: the closing summary line runs too
    with open(out) as fh:
        got = list(csv.DictReader(fh))
    assert [g["record_id"] for g in got] == [x["record_id"] for x in rows]
    r = runner.invoke(app, ["evaluate", str(tru), str(out), "--json"])
    assert r.exit_code == 0, r.output
    import json

    assert json.loads(r.output)["f1"] > 0.9
    r = runner.invoke(app, ["explain", str(model), str(rec), rows[0]["record_id"], rows[1]["record_id"], "--json"])
    assert r.exit_code == 0, r.output
    assert "match_weight" in json.loads(r.output)


def test_empty_fields_never_fail():
    rows = [{"record_id": str(k), "first_name": "", "last_name": "", "date_of_birth": "", "gender": "",
             "address": "", "postcode": ""} for k in range(5)]
    rows += [{"record_id": "x", "first_name": "Ann", "last_name": "Lee", "date_of_birth": "garbage",
              "postcode": "2119", "address": "1 Foo St"}]
    res = engine.link(rows, seed=0)
    assert len(res.entity_ids) == 6
    assert np.all(res.record_entity >= 0)


def test_link_names_a_row_with_the_wrong_number_of_fields(tmp_path):
    from typer.testing import CliRunner

    from aim.cli import app

    rec = tmp_path / "records.csv"
    rec.write_text("record_id,source,source_record_id,first_name,last_name\n"
                   "1,a,1,Ann,Smith\n2,a,2,Bob\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["link", str(rec), "--out", str(tmp_path / "clusters.csv"), "-q"])
    assert r.exit_code == 2
    assert "row 3 has 4 fields where the header has 5" in " ".join(r.output.split())
    assert "Bob" not in r.output   # the row's content (personal data) is not echoed
    assert not (tmp_path / "clusters.csv").exists()
