// Scope: every person with at least $scope_min events of the rule's types between
// $scope_since and $today (the rule's window: the body needs that many), evaluated as of
// $today. Binds `s` (the Person) and `today`. The count drops, before the body reads their
// records, the many persons with one or two events in the window.
MATCH (e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
MATCH (e)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(s:Person)
WITH s, count(DISTINCT e) AS found
WHERE found >= $scope_min
WITH s, $today AS today
