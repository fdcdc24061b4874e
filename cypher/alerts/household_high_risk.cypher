// Rule body (kind high_risk, subject household), after a scope that binds `s` and `today`:
// at least $n events of a flagged type ($types) concerning any member in the $days days up
// to `today`, where on the event's date the household had a member under $child_age, or
// had one within the $days before it (agencies see a child at an address only on the dates
// of their contacts, so a membership's end is when the child was last seen there).
MATCH (s)<-[m:MEMBER_OF]-(p:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date > today - duration({days: $days}) AND e.date <= today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
  AND (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
CALL (s, e) {
  MATCH (s)<-[c:MEMBER_OF]-(child:Person)
  WHERE (c.from IS NULL OR c.from <= e.date) AND (c.to IS NULL OR c.to >= e.date - duration({days: $days}))
  CALL (child) {
    OPTIONAL MATCH (child)-[:HAS_RECORD]->(x:Record)
    WHERE x.date_of_birth IS NOT NULL
    WITH x.date_of_birth AS dob, count(x) AS seen
    ORDER BY seen DESC, dob
    RETURN head(collect(dob)) AS dob
  }
  WITH child, dob
  WHERE dob IS NOT NULL AND dob <= e.date AND duration.between(dob, e.date).years < $child_age
  RETURN collect(DISTINCT child.person_id) AS children
}
WITH s, today, e, p, children
WHERE size(children) > 0
WITH s, today,
     collect(DISTINCT {source: e.source, event_id: e.event_id, date: e.date, type: e.type,
                       person_id: p.person_id}) AS evidence,
     reduce(found = [], c IN collect(children) | found + [x IN c WHERE NOT x IN found]) AS children
WITH s, today, evidence, children,
     reduce(found = [], x IN evidence | CASE WHEN x.source IN found THEN found ELSE found + x.source END) AS orgs
WHERE size(evidence) >= $n AND size(orgs) >= $k
RETURN s.household_id AS subject_id, today AS as_of, evidence, orgs AS organisations,
       {events: size(evidence), organisations: size(orgs), children: size(children)} AS metrics
