"""A second synthetic population, built independently of ``aim.seeds.generate``: its own
name sources and frequencies, household model and error model (see docs/resolution.md).
It exists to evaluate entity resolution on data the engine was not developed on."""
