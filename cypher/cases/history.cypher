// A case's transitions (actions and status changes), oldest first.
MATCH (:Case {case_id: $case_id})-[:HAS_TRANSITION]->(t:CaseTransition)
RETURN t {.*} AS transition
ORDER BY t.at, elementId(t)
