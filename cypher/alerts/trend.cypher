// Activity of these subjects ({subject_type, subject_id}) as of $today: events not of the
// routine types in the last $recent_days days and in the $before_days days before those,
// and the date of the latest such event up to $today. A household's events are its
// members' events while members.
UNWIND $subjects AS subject
CALL (subject) {
  MATCH (p:Person {person_id: subject.subject_id})-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  WHERE subject.subject_type = 'person'
  RETURN e
  UNION
  MATCH (:Household {household_id: subject.subject_id})<-[m:MEMBER_OF]-(:Person)-[:HAS_RECORD]->(:Record)
        -[:HAS_EVENT]->(e:Event)
  WHERE subject.subject_type = 'household'
    AND (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
  RETURN e
}
WITH subject, e
WHERE e.date <= $today AND NOT e.type IN $routine_types
WITH subject, collect(DISTINCT e) AS events
RETURN subject.subject_type AS subject_type, subject.subject_id AS subject_id,
       size([e IN events WHERE e.date > $today - duration({days: $recent_days})]) AS recent,
       size([e IN events WHERE e.date <= $today - duration({days: $recent_days})
                           AND e.date > $today - duration({days: $recent_days + $before_days})]) AS before,
       reduce(last = null, e IN events | CASE WHEN last IS NULL OR e.date > last THEN e.date ELSE last END)
         AS last_activity
