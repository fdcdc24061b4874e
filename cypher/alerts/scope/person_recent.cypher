// Scope: every person with an event of the rule's types between $scope_since and $today,
// evaluated as of $today. Binds `s` (the Person) and `today`.
MATCH (e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
MATCH (e)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(s:Person)
WITH DISTINCT s
WITH s, $today AS today
