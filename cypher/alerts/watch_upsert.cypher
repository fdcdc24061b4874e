// Put a person or household on the watch list: one active entry per subject, updated in place
// if the subject is already watched. Returns nothing when the subject does not exist.
OPTIONAL MATCH (p:Person {person_id: $subject_id}) WHERE $subject_type = 'person'
OPTIONAL MATCH (h:Household {household_id: $subject_id}) WHERE $subject_type = 'household'
WITH coalesce(p, h) AS s
WHERE s IS NOT NULL
OPTIONAL MATCH (old:WatchEntry {active: true})-[:WATCHES]->(s)
WITH s, old
CALL (s, old) {
  WITH s, old WHERE old IS NULL
  CREATE (w:WatchEntry {watch_id: $watch_id, subject_type: $subject_type, subject_id: $subject_id,
                        since: $since, created_at: datetime(), created_by: $by, active: true})
  CREATE (w)-[:WATCHES]->(s)
  RETURN w
  UNION
  WITH s, old WHERE old IS NOT NULL
  RETURN old AS w
}
SET w.owner = $owner, w.reason = $reason, w.review_date = $review_date, w.alert_id = coalesce($alert_id, w.alert_id),
    w.updated_at = datetime(), w.updated_by = $by
RETURN w {.*} AS entry
