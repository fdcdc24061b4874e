// Rule body (kind escalation, subject person), after a scope that binds `s` and `today`:
// at least $min_events events from at least $k organisations in the $days days up to
// `today`, and that count at least $ratio times the person's usual rate over the
// $baseline_days before (with $smoothing events added to the baseline, so a quiet
// history is not a division by zero).
CALL (s) {
  OPTIONAL MATCH (s)-[:HAS_RECORD]->(x:Record)
  WHERE x.date_of_birth IS NOT NULL
  WITH x.date_of_birth AS dob, count(x) AS seen
  ORDER BY seen DESC, dob
  RETURN head(collect(dob)) AS dob
}
MATCH (s)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date > today - duration({days: $days + $baseline_days}) AND e.date <= today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
WITH s, today, e, e.date > today - duration({days: $days}) AS recent,
     CASE WHEN dob IS NULL THEN null ELSE duration.between(dob, e.date).years END AS age
WHERE ($max_age IS NULL OR (age IS NOT NULL AND age < $max_age))
  AND ($min_age IS NULL OR age IS NULL OR age >= $min_age)
WITH s, today,
     collect(DISTINCT CASE WHEN recent THEN {source: e.source, event_id: e.event_id, date: e.date,
                                             type: e.type, person_id: s.person_id, age: age} END) AS evidence,
     count(DISTINCT CASE WHEN NOT recent THEN e END) AS baseline
WITH s, today, evidence, baseline,
     reduce(found = [], x IN evidence | CASE WHEN x.source IN found THEN found ELSE found + x.source END) AS orgs,
     (baseline + $smoothing) * toFloat($days) / $baseline_days AS usual
WHERE size(evidence) >= $min_events AND size(orgs) >= $k AND size(evidence) >= $ratio * usual
RETURN s.person_id AS subject_id, today AS as_of, evidence, orgs AS organisations,
       {events: size(evidence), organisations: size(orgs), baseline: baseline,
        ratio: size(evidence) / usual,
        children: size([x IN evidence WHERE x.age IS NOT NULL AND x.age < $child_age])} AS metrics
