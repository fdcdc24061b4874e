// Scope for replaying history: each household whose members have at least $scope_min
// events of the rule's types while members, evaluated as of the date of each event.
MATCH (s:Household)<-[m:MEMBER_OF]-(:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date >= $scope_since AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
  AND (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
WITH s, collect(DISTINCT e.date) AS dates, count(DISTINCT e) AS found
WHERE found >= $scope_min
UNWIND dates AS today
WITH s, today
