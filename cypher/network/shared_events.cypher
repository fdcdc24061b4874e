// Events (an incident reported once, about several persons' records) that two of the
// persons share, dated within the period [$since, $until] (either may be null: open).
UNWIND $person_ids AS pid
MATCH (:Person {person_id: pid})-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
      <-[:HAS_EVENT]-(:Record)<-[:HAS_RECORD]-(q:Person)
WHERE q.person_id IN $person_ids AND pid < q.person_id
  AND ($since IS NULL OR e.date >= $since) AND ($until IS NULL OR e.date <= $until)
RETURN DISTINCT pid AS a, q.person_id AS b, e.source AS organisation, e.source + ':' + e.event_id AS via,
       toString(e.date) AS date, e.type AS type
ORDER BY a, b, date
