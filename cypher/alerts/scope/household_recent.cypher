// Scope: every household with a member who has an event of the rule's types between
// $scope_since and $today while a member, evaluated as of $today. Binds `s` and `today`.
MATCH (e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
MATCH (e)<-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(:Person)-[m:MEMBER_OF]->(s:Household)
WHERE (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
WITH DISTINCT s
WITH s, $today AS today
