"""Training sessions: u of a comparison among the namesakes of the exact-full-name session."""

from __future__ import annotations

import numpy as np

from aim.resolution import comparisons as CMP
from aim.resolution.engine import _session_m
from aim.resolution.interaction import sex_u_same_given_name
from aim.resolution.model import estimate_u, n_levels

GIVEN, SURNAME = CMP.FIELD_INDEX["first_name"], CMP.FIELD_INDEX["last_name"]
DOB, SEX, LOCATION = CMP.FIELD_INDEX["date_of_birth"], CMP.FIELD_INDEX["gender"], CMP.FIELD_INDEX["location"]
EXACT = {k: L - 1 for k, L in enumerate(n_levels())}
SAME_ADDRESS = CMP.level("location", "same address and postcode")
ONE_DIGIT = CMP.level("date_of_birth", "one digit differs")


def random_pairs(rng, n, share_given_name):
    """Comparison vectors of random pairs: a share agree on the given name, and those agree on sex (a
    given name mostly goes with one sex); the rest agree on sex half the time."""
    g = np.zeros((n, len(n_levels())), dtype=np.int8)
    same_given = rng.random(n) < share_given_name
    g[same_given, GIVEN] = EXACT[GIVEN]
    g[:, SEX] = np.where(same_given, EXACT[SEX], rng.integers(0, 2, n))
    return g


def test_sex_u_among_pairs_that_share_a_given_name():
    g = random_pairs(np.random.default_rng(1), 200_000, 0.02)
    assert estimate_u(g)[SEX][EXACT[SEX]] < 0.52
    assert sex_u_same_given_name(g)[EXACT[SEX]] > 0.99


def test_namesakes_of_one_sex_do_not_make_a_different_date_of_birth_look_like_one_person():
    """The exact-full-name session: one person's records (dates of birth equal, one address) and
    namesakes, some a parent and child of one name at one address (dates of birth differ),
    all of one sex. With the u of all random pairs the agreeing sex is evidence for every
    namesake, and EM puts the parent and child among the matches: m of "DOB else" rises."""
    rng = np.random.default_rng(2)
    n_match, n_random_namesakes, n_households = 3_000, 6_000, 600
    g = np.full((n_match + n_random_namesakes + n_households, len(n_levels())), -1, dtype=np.int8)
    g[:, [GIVEN, SURNAME]] = EXACT[GIVEN], EXACT[SURNAME]
    g[:n_match, DOB] = np.where(rng.random(n_match) < 0.97, EXACT[DOB], ONE_DIGIT)
    g[:n_match, LOCATION] = np.where(rng.random(n_match) < 0.9, SAME_ADDRESS, 0)
    g[n_match:, DOB] = 0
    g[n_match:n_match + n_random_namesakes, LOCATION] = 0
    g[n_match + n_random_namesakes:, LOCATION] = SAME_ADDRESS
    g[:, SEX] = EXACT[SEX]
    u = estimate_u(random_pairs(rng, 100_000, 0.0))
    u[LOCATION] = np.full(n_levels()[LOCATION], 0.02)     # of the location among pairs of one surname
    u[LOCATION][0] = 1 - u[LOCATION][1:].sum()
    u[DOB] = np.full(n_levels()[DOB], 0.0001)
    u[DOB][0] = 1 - u[DOB][1:].sum()
    samples = [("exact full name", (GIVEN, SURNAME), g)]
    m_random_u, _ = _session_m(samples, u, {})
    m_namesakes_u, _ = _session_m(samples, u, {SEX: np.array([0.005, 0.995])})
    assert m_namesakes_u[DOB][0] < 0.7 * m_random_u[DOB][0]
