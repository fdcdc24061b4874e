// Rule body (kind household_cluster, subject household), after a scope that binds `s`
// (Household) and `today`: at least $n events of the rule's types, from at least $k
// organisations, across at least $min_members members (each event counted only while
// its person was a member) in the $days days up to and including `today`.
MATCH (s)<-[m:MEMBER_OF]-(p:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
WHERE e.date > today - duration({days: $days}) AND e.date <= today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
  AND (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
WITH s, today, collect(DISTINCT {source: e.source, event_id: e.event_id, date: e.date, type: e.type,
                                 person_id: p.person_id}) AS evidence
WITH s, today, evidence,
     reduce(found = [], x IN evidence | CASE WHEN x.source IN found THEN found ELSE found + x.source END) AS orgs,
     reduce(found = [], x IN evidence | CASE WHEN x.person_id IN found THEN found ELSE found + x.person_id END) AS members
WHERE size(evidence) >= $n AND size(orgs) >= $k AND size(members) >= $min_members
RETURN s.household_id AS subject_id, today AS as_of, evidence, orgs AS organisations,
       {events: size(evidence), organisations: size(orgs), members: size(members)} AS metrics
