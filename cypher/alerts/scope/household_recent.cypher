// Scope: every household whose members have at least $scope_min events of the rule's types
// between $scope_since and $today while members (the rule's window: the body needs that
// many), evaluated as of $today. Binds `s` and `today`.
MATCH (e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
MATCH (e)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(:Person)-[m:MEMBER_OF]->(s:Household)
WHERE (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
WITH s, count(DISTINCT e) AS found
WHERE found >= $scope_min
WITH s, $today AS today
