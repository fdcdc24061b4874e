"""Training sessions: u of a comparison among the namesakes of the exact-full-name session, and
m of "DOB else" held to what the namesakes under a generation apart allow."""

from __future__ import annotations

import numpy as np

from aim.resolution import comparisons as CMP
from aim.resolution.engine import GENERATION_APART, GENERATION_YEARS, _session_m, generation_apart, near_share
from aim.resolution.interaction import sex_u_same_given_name
from aim.resolution.model import estimate_u, n_levels

GIVEN, SURNAME = CMP.FIELD_INDEX["first_name"], CMP.FIELD_INDEX["last_name"]
DOB, SEX, LOCATION = CMP.FIELD_INDEX["date_of_birth"], CMP.FIELD_INDEX["gender"], CMP.FIELD_INDEX["location"]
EXACT = {k: L - 1 for k, L in enumerate(n_levels())}
SAME_ADDRESS = CMP.level("location", "same address and postcode")
ONE_DIGIT = CMP.level("date_of_birth", "one digit differs")
SEX_OF_NAMESAKES = {SEX: np.array([0.005, 0.995])}   # namesakes mostly share a sex (as sex_u_same_given_name)


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
    m_random_u, _ = _session_m(samples, u, {}, 1.0)
    m_namesakes_u, _ = _session_m(samples, u, {SEX: np.array([0.005, 0.995])}, 1.0)
    assert m_namesakes_u[DOB][0] < 0.7 * m_random_u[DOB][0]


def test_dates_a_generation_apart_are_marked_and_the_random_pairs_near_share_counted():
    levels = np.array([0, 0, 0, EXACT[DOB], 0, -1])
    year_i = np.array([1970, 1970, 1990, 1970, 1970, 1970])
    year_j = np.array([1970 + GENERATION_YEARS, 1970 + GENERATION_YEARS - 1, 1960, 2010, 1971, 2010])
    assert generation_apart(levels, year_i, year_j).tolist() == [True, False, True, False, False, False]
    assert near_share(levels, year_i, year_j) == 0.5    # of the four at level "else", two are near
    assert near_share(np.array([EXACT[DOB]]), year_i[:1], year_j[:1]) == 1.0


def _name_session(rng, *, typo_else: float, households: int, near: float, same_home_u: float = 0.02):
    """The exact-full-name session's vectors: one person's records (DOB exact, a share
    ``typo_else`` of mistyped dates at level "else", their gaps near with chance ``near`` as
    strangers' are), namesakes elsewhere (dates at "else", near with chance ``near``), and
    ``households`` namesakes at one address a generation apart (a father and his junior);
    ``same_home_u``: how often two namesakes share a home at each location level. As marked
    for training, and as it was before the mark."""
    n_match, n_namesakes = 3_000, 6_000
    g = np.full((n_match + n_namesakes + households, len(n_levels())), -1, dtype=np.int8)
    g[:, [GIVEN, SURNAME]] = EXACT[GIVEN], EXACT[SURNAME]
    g[:, SEX] = EXACT[SEX]
    typo = rng.random(n_match) < typo_else
    g[:n_match, DOB] = np.where(typo, 0, EXACT[DOB])
    g[:n_match, LOCATION] = np.where(rng.random(n_match) < 0.9, SAME_ADDRESS, 0)
    g[n_match:, DOB] = 0
    g[n_match:n_match + n_namesakes, LOCATION] = 0
    g[n_match + n_namesakes:, LOCATION] = SAME_ADDRESS
    far = np.r_[typo & (rng.random(n_match) >= near), rng.random(n_namesakes) >= near, np.ones(households, bool)]
    marked = g.copy()
    marked[far, DOB] = GENERATION_APART
    u = estimate_u(random_pairs(rng, 100_000, 0.0))
    u[LOCATION] = np.full(n_levels()[LOCATION], same_home_u)   # of namesakes, per level
    u[LOCATION][0] = 1 - u[LOCATION][1:].sum()
    u[DOB] = np.full(n_levels()[DOB], 0.0001)
    u[DOB][0] = 1 - u[DOB][1:].sum()
    name = "exact full name", (GIVEN, SURNAME)
    return [(*name, marked)], [(*name, g)], u


def test_a_father_and_his_junior_at_one_address_do_not_make_a_different_date_look_like_one_person():
    """Namesakes at one home a generation apart and no mistyped dates: EM takes the
    households' excess for matches (m of "DOB else" far above the truth, 0); the near pairs
    hold it down."""
    marked, unmarked, u = _name_session(np.random.default_rng(3), typo_else=0.0, households=600, near=0.3)
    m_before, _ = _session_m(unmarked, u, SEX_OF_NAMESAKES, 0.3)
    m_after, log = _session_m(marked, u, SEX_OF_NAMESAKES, 0.3)
    assert m_before[DOB][0] > 0.05
    assert m_after[DOB][0] < 0.01
    assert log[0]["dob_else_bound"] < log[0]["dob_else"]
    np.testing.assert_allclose(m_after[DOB][1:] / m_after[DOB][1:].sum(), m_before[DOB][1:] / m_before[DOB][1:].sum())


def test_mistyped_dates_spread_as_strangers_dates_keep_their_m():
    """FEBRL's kind of data: one person's dates mistyped at level "else" 6 % of the time,
    as far apart as strangers' dates, no households, and namesakes rarely at one home: the
    bound holds the session's estimate."""
    marked, unmarked, u = _name_session(np.random.default_rng(4), typo_else=0.06, households=0, near=0.3,
                                        same_home_u=0.001)
    m_before, _ = _session_m(unmarked, u, SEX_OF_NAMESAKES, 0.3)
    m_after, log = _session_m(marked, u, SEX_OF_NAMESAKES, 0.3)
    assert 0.05 < m_before[DOB][0] < 0.07
    assert log[0]["dob_else_bound"] > log[0]["dob_else"]
    for before, after in zip(m_before, m_after):
        np.testing.assert_array_equal(before, after)
