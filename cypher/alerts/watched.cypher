// Rule body and scope (kind watched): every active watch entry (or, given $subject_ids,
// those on these subjects) with at least $n events of the rule's types after the watch
// began (`since`) and in the $days days up to and including $today. A household's events
// are its members' events while members.
MATCH (w:WatchEntry {active: true})-[:WATCHES]->(s)
WHERE $subject_ids IS NULL OR s.person_id IN $subject_ids OR s.household_id IN $subject_ids
CALL (s) {
  MATCH (s:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  RETURN e, s.person_id AS person_id
  UNION
  MATCH (s:Household)<-[m:MEMBER_OF]-(p:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  WHERE (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
  RETURN e, p.person_id AS person_id
}
WITH w, s, e, person_id
WHERE e.date > w.since AND e.date > $today - duration({days: $days}) AND e.date <= $today
  AND ($types IS NULL OR e.type IN $types) AND NOT e.type IN $exclude_types
WITH w, s, collect(DISTINCT {source: e.source, event_id: e.event_id, date: e.date, type: e.type,
                             person_id: person_id}) AS evidence
WITH w, s, evidence,
     reduce(found = [], x IN evidence | CASE WHEN x.source IN found THEN found ELSE found + x.source END) AS orgs
WHERE size(evidence) >= $n
RETURN CASE WHEN s:Person THEN 'person' ELSE 'household' END AS subject_type,
       coalesce(s.person_id, s.household_id) AS subject_id, $today AS as_of, evidence,
       orgs AS organisations,
       {events: size(evidence), organisations: size(orgs), watch_id: w.watch_id, owner: w.owner,
        since: toString(w.since)} AS metrics
