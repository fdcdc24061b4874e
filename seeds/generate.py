"""Generate a synthetic multi-agency population with ground truth (``aim seed generate``).

The population is made one *unit* at a time (a household, or a shared establishment such as
a care home, a hostel or a block of flats), and every agency row of that unit is written
before the next unit is made, so memory stays bounded however many people are asked for.
One ``random.Random(seed)`` drives everything in a fixed order: the same seed gives the
same bytes in every file.

Each step has its module: ``population`` (people, households, moves; names from ``names``,
addresses from ``addresses``), ``contacts`` (background agency contacts), ``scenarios``
(the registry of planted patterns), ``errors`` (error injection) and ``writing`` (agency
files, mappings, canonical.csv and truth files). Layout of the output directory (see
docs/seeds.md):
  agencies/<CODE>.csv   mappings/<CODE>.yaml   canonical.csv   manifest.json
  truth/records.csv  truth/record_errors.csv  truth/link_truth.csv  truth/people.csv
  truth/households.csv  truth/household_addresses.csv  truth/scenarios.csv
  truth/scenario_events.csv  truth/invalid_rows.csv
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .addresses import AddressBook
from .agencies import AGENCIES
from .contacts import add_background, contact_rates
from .names import NamePool
from .population import Population, Window, iso
from .scenarios import Scenarios
from .writing import OutputFiles, RecordWriter, write_mappings

GENERATOR_VERSION = "1"
# The shortest event window: a marriage in the window needs 60 days after its start and 20 before today.
MIN_DAYS = 80
# Report progress every this many people.
PROGRESS_STEP = 2000


class Generator:
    def __init__(self, people: int, seed: int, today: date, days: int, out: Path):
        self.target = people
        self.seed = seed
        self.days = days
        self.out_dir = Path(out)
        self.window = Window(today.toordinal() - days, today.toordinal())
        self.rng = random.Random(seed)
        names = NamePool(self.rng)
        self.addresses = AddressBook(self.rng, names, people)
        self.population = Population(self.rng, names, self.addresses, self.window, people)
        self.contacts = contact_rates()
        self.scenarios = Scenarios(self.rng, self.window)

    def run(self, progress: Callable[[int], None] | None = None) -> dict:
        files = OutputFiles(self.out_dir)
        writer = RecordWriter(self.rng, self.window, files)
        population = self.population
        try:
            write_mappings(self.out_dir)
            done = 0
            while population.n_people < self.target:
                unit = population.make_unit()
                for p in unit.people:
                    add_background(self.rng, p, self.window, self.contacts)
                self.scenarios.add(unit, population.n_people)
                writer.write_unit(unit)
                if progress and population.n_people - done >= PROGRESS_STEP:
                    progress(population.n_people - done)
                    done = population.n_people
            if progress:
                progress(population.n_people - done)
        finally:
            files.close()
        manifest = self._manifest(writer, files)
        (self.out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest

    def _manifest(self, writer: RecordWriter, files: OutputFiles) -> dict:
        rows = sum(files.rows.values())
        return {
            "generator": f"aim.seeds {GENERATOR_VERSION}",
            "seed": self.seed,
            "people": self.population.n_people,
            "today": self.window.today_date.isoformat(),
            "days": self.days,
            "window_start": iso(self.window.start),
            "counts": {
                "people": self.population.n_people,
                "households": self.population.n_households,
                "addresses": self.addresses.count,
                "agency_records": writer.records,
                "agency_rows": rows,
                "canonical_rows": rows - writer.invalid,
                "invalid_rows": writer.invalid,
                "rows_by_agency": dict(files.rows),
                "records_by_agency": dict(writer.record_counts),
                "scenarios": dict(self.scenarios.counts),
                "errors_by_agency": {code: {k: v for k, v in errs.items() if v}
                                     for code, errs in writer.error_counts.items()},
            },
            "agencies": {a.code: {"name": a.name, "kind": a.kind, "file": f"agencies/{a.code}.csv",
                                  "mapping": f"mappings/{a.code}.yaml"} for a in AGENCIES},
            "demo": self.scenarios.demo,
        }


def generate(people: int, seed: int, out: Path, today: date | None = None, days: int = 730,
             progress: Callable[[int], None] | None = None) -> dict:
    """Write the whole data set to ``out``; returns the manifest."""
    if days < MIN_DAYS:
        raise ValueError(f"the event window must be at least {MIN_DAYS} days, not {days}")
    today = today or date(2026, 11, 1)
    return Generator(people, seed, today, days, Path(out)).run(progress)
