"""Training on Spark draws the in-process engine's area sample on large data (samples.area_sample) and
takes m of the DOB levels from it, as the engine does: a small population of the independent generator
on ``local[2]``, with the sample size lowered so that the sample is drawn."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyspark", reason="the Spark backend needs the spark extra (scripts/setup.sh installs it)")

from aim.resolution import engine  # noqa: E402
from aim.resolution.backends import training  # noqa: E402
from aim.resolution.records import read_records  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def test_spark_training_takes_m_of_the_dob_levels_from_the_engines_area_sample(tmp_path, monkeypatch):
    from aim.seeds.independent.generate import generate

    generate(1_500, 7, tmp_path)
    records = tmp_path / "canonical.csv"
    monkeypatch.setattr(engine, "SAMPLE_RECORDS", 300)
    monkeypatch.setattr(training, "SAMPLE_RECORDS", 300)
    expected = engine.train(read_records(records))
    got = training.train_files(str(records), master="local[2]", work_dir=str(tmp_path / "work"))
    monkeypatch.setattr(engine, "SAMPLE_RECORDS", 10**9)
    whole = engine.train(read_records(records))
    dob = engine.DOB
    assert not np.allclose(expected.m[dob], whole.m[dob], atol=1e-4)    # the sample was drawn and used
    np.testing.assert_allclose(got.m[dob], expected.m[dob], atol=1e-6)
