"""Alert rules as data: loading, validation, and compilation to parameterised Cypher."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from aim import cypher
from aim.graph.alerts import scoring
from aim.graph.alerts.rules import RuleError, load_rules, parse_rules


def test_the_default_rule_set_loads_with_every_required_rule():
    rules = load_rules()
    kinds = {(r.kind, r.subject, r.age) for r in rules.rules}
    assert ("multi_agency", "person", "child") in kinds and ("multi_agency", "person", "adult") in kinds
    assert ("high_risk", "person", "child") in kinds and ("high_risk", "household", "any") in kinds
    assert ("household_cluster", "household", "any") in kinds and ("escalation", "person", "any") in kinds
    child = rules.get("multi_agency_child")
    assert (child.params["n"], child.params["k"], child.params["days"]) == (3, 2, 30)
    assert "domestic_abuse_incident" in rules.get("high_risk_household").types


def test_parameters_travel_as_parameters_never_as_query_text():
    base = {"rules": [{"id": "r", "kind": "multi_agency", "params": {"n": 3, "k": 2, "days": 30}}]}
    other = {"rules": [{"id": "r", "kind": "multi_agency", "params": {"n": 97, "k": 13, "days": 4321},
                        "types": ["zzz_type"]}]}
    one, two = parse_rules(base).rules[0], parse_rules(other).rules[0]
    for scope in ("recent", "ids", "history"):
        assert one.query(scope) == two.query(scope)
        assert one.query(scope) == cypher.load(f"alerts/scope/person_{scope}") + "\n" + cypher.load(one.template)
        assert "4321" not in two.query(scope) and "zzz_type" not in two.query(scope)
    params = two.parameters(date(2026, 11, 1), child_age=18)
    assert (params["n"], params["k"], params["days"], params["types"]) == (97, 13, 4321, ["zzz_type"])
    assert params["today"] == date(2026, 11, 1)


@pytest.mark.parametrize("broken, message", [
    ({"rules": [{"id": "x", "kind": "nonsense"}]}, "unknown kind"),
    ({"rules": [{"id": "x", "kind": "multi_agency", "params": {"n": "three"}}]}, "non-negative number"),
    ({"rules": [{"id": "x", "kind": "multi_agency", "params": {"days": 0}}]}, "days"),
    ({"rules": [{"id": "x", "kind": "household_cluster", "subject": "person"}]}, "no template"),
    ({"rules": [{"id": "x", "kind": "multi_agency"}, {"id": "x", "kind": "escalation"}]}, "unique"),
    ({"bands": {"red": 30, "amber": 60}, "rules": []}, "amber"),
])
def test_a_broken_rule_set_is_refused(broken, message):
    with pytest.raises(RuleError, match=message):
        parse_rules(broken)


def test_routine_contacts_are_excluded_unless_a_rule_lists_its_types(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({
        "routine_types": ["routine_contact"],
        "rules": [{"id": "a", "kind": "multi_agency"}, {"id": "b", "kind": "high_risk", "types": ["missing_person"]}],
    }))
    rules = load_rules(path)
    assert rules.get("a").exclude_types == ("routine_contact",) and rules.get("a").types is None
    assert rules.get("b").exclude_types == () and rules.get("b").types == ("missing_person",)


def test_scores_map_to_red_amber_green_bands_and_plain_english():
    rules = load_rules()
    rule = rules.get("multi_agency_child")
    assert scoring.score(rule, {"events": 3, "organisations": 2}) == 50
    assert rules.rag(50) == "Amber"
    assert scoring.score(rule, {"events": 5, "organisations": 3}) == 50 + 16 + 12
    assert rules.rag(78) == "Red" and rules.rag(39.9) == "Green"
    evidence = [{"type": "injury", "date": date(2026, 10, 3)}, {"type": "injury", "date": date(2026, 10, 20)},
                {"type": "missing_person", "date": date(2026, 10, 12)}]
    as_of = date(2026, 11, 1)
    assert scoring.summary(rule, {"events": 3, "organisations": 2}, evidence, as_of) == \
        "3 activities reported from 3 Oct 2026 to 20 Oct 2026 by 2 agencies"
    assert scoring.summary(rule, {"events": 1, "organisations": 1}, evidence[:1], as_of) == \
        "1 activity reported on 3 Oct 2026 by 1 agency"
