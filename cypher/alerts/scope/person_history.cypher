// Scope for replaying history: each person with at least $scope_min events of the rule's
// types between $scope_since and $today, evaluated as of the date of each of those events.
MATCH (s:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
WITH s, collect(DISTINCT e.date) AS dates, count(DISTINCT e) AS found
WHERE found >= $scope_min
UNWIND dates AS today
WITH s, today
