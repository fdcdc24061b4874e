// Rule body (kinds multi_agency and high_risk, subject person), after a scope that binds
// `s` (Person) and `today`: at least $n events of the rule's types from at least $k
// distinct organisations (Event.source) in the $days days up to and including `today`,
// counting only events at which the person's age is in [$min_age, $max_age).
// The person's date of birth is the most common one over their records.
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_RECORD]->(x:Record)
  WHERE x.date_of_birth IS NOT NULL
  WITH x.date_of_birth AS dob, count(x) AS seen
  ORDER BY seen DESC, dob
  RETURN head(collect(dob)) AS dob
}
MATCH (s)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date > today - duration({days: $days}) AND e.date <= today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
WITH s, today, e, CASE WHEN dob IS NULL THEN null ELSE duration.between(dob, e.date).years END AS age
WHERE ($max_age IS NULL OR (age IS NOT NULL AND age < $max_age))
  AND ($min_age IS NULL OR age IS NULL OR age >= $min_age)
WITH s, today, collect(DISTINCT {source: e.source, event_id: e.event_id, date: e.date, type: e.type,
                                 person_id: s.person_id, age: age}) AS evidence
WITH s, today, evidence,
     reduce(found = [], x IN evidence | CASE WHEN x.source IN found THEN found ELSE found + x.source END) AS orgs
WHERE size(evidence) >= $n AND size(orgs) >= $k
RETURN s.person_id AS subject_id, today AS as_of, evidence, orgs AS organisations,
       {events: size(evidence), organisations: size(orgs),
        children: size([x IN evidence WHERE x.age IS NOT NULL AND x.age < $child_age])} AS metrics
