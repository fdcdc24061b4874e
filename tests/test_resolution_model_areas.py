"""The exact-full-name session on large data: whole postcode areas (samples.area_sample), so that m of
"date of birth differs" does not grow with the namesakes a larger population holds."""

from __future__ import annotations

import numpy as np
import pytest

from aim.resolution import comparisons as CMP
from aim.resolution import engine as E
from aim.resolution.records import prepare
from aim.resolution.samples import area_sample, record_areas

DOB = CMP.FIELD_INDEX["date_of_birth"]


def _postcode(area: int, k: int) -> str:
    return f"B{area + 1} {k % 9 + 1}JU"


def _records_in_areas(sizes: list[int]) -> list[dict]:
    out = []
    for area, size in enumerate(sizes):
        for k in range(size):
            out.append({"record_id": f"{area}-{k}", "first_name": f"Given{k % 7}", "last_name": f"Family{area}",
                        "date_of_birth": f"19{50 + k % 40}-01-0{k % 9 + 1}", "postcode": _postcode(area, k)})
    out.append({"record_id": "no-postcode", "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-01-01"})
    return out


def test_the_area_sample_takes_whole_areas_until_they_hold_enough_records():
    sizes = [5 + (7 * a) % 23 for a in range(60)]
    p = prepare(_records_in_areas(sizes))
    sample = area_sample(p, 200, seed=3)
    taken = [sizes[int(area)] for area in {record_id.split("-")[0] for record_id in sample.record_ids}]
    assert "no-postcode" not in sample.record_ids             # no area, never drawn
    assert sample.n == sum(taken)                              # every record of each area drawn
    assert sample.n >= 200 > sample.n - max(taken)             # and no more areas than it needs
    assert area_sample(p, 200, seed=3).record_ids == sample.record_ids
    assert area_sample(p, 200, seed=4).record_ids != sample.record_ids
    assert area_sample(p, p.n, seed=3) is None                 # small data is trained on whole
    assert area_sample(sample, 200, seed=3) is None            # and so is the sample itself
    assert len(set(record_areas(sample)[0])) == len(taken)


def _households_in_areas(households: int, seed: int = 1) -> list[dict]:
    """Households of two records a person (one agency each) in 100 areas, names from small pools
    (many namesakes across areas); in every third home the son carries his father's name."""
    rng = np.random.default_rng(seed)
    out = []
    for home in range(households):
        address, postcode = f"{home + 1} Long Road", f"B{rng.integers(100) + 1} {home % 9 + 1}JU"
        surname, father, year = f"Family{rng.integers(30)}", f"Given{rng.integers(10)}", int(rng.integers(1950, 1980))
        son = father if home % 3 == 0 else f"Given{rng.integers(10, 20)}"
        for who, (first, sex, born) in enumerate(((father, "M", year), (f"Named{rng.integers(10)}", "F", year + 1),
                                                  (son, "M", year + 28))):
            dob = f"{born}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
            out += [{"record_id": f"{home}-{who}-{source}", "source": source, "first_name": first,
                     "last_name": surname, "date_of_birth": dob, "gender": sex, "address": address,
                     "postcode": postcode} for source in ("POLICE", "SCHOOL")]
    return out


@pytest.fixture(scope="module")
def population():
    return prepare(_households_in_areas(1_500))


def test_m_of_the_dob_levels_on_large_data_is_the_area_samples_own_estimate(population, monkeypatch):
    monkeypatch.setattr(E, "SAMPLE_RECORDS", 10 * population.n)
    whole = E.train(population).m[DOB]
    monkeypatch.setattr(E, "SAMPLE_RECORDS", 2_000)
    model = E.train(population)
    sample = area_sample(population, 2_000, seed=42)
    assert 2_000 <= sample.n < population.n
    # (smoothed to the floor once more: within 1e-5)
    assert np.allclose(model.m[DOB], E.train(sample).m[DOB], atol=1e-4)   # what the name session gives at 2,000
    assert not np.allclose(model.m[DOB], whole, atol=1e-4)
    assert model.history[0]["dob_m_of_area_sample"]      # said in the model's history
