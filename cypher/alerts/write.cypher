// Create or update alerts found by the rules: one Alert per (rule, subject) (a uniqueness
// constraint), whose alert_id never changes; new evidence is added, never duplicated, and
// the dates of the earliest and latest evidence and of the rule's window are kept; a status
// change made by the engine (raised, re-opened on new evidence) is recorded as an AlertTransition; otherwise
// the status is left as it is (a person may have just acknowledged the alert).
UNWIND $alerts AS row
MERGE (a:Alert {rule: row.rule, subject_type: row.subject_type, subject_id: row.subject_id})
  ON CREATE SET a.alert_id = row.alert_id, a.first_raised = row.as_of, a.created_at = datetime()
SET a.status = CASE WHEN row.transition IS NULL THEN coalesce(a.status, row.status) ELSE row.status END,
    a.title = row.title, a.score = row.score, a.rag = row.rag,
    a.summary = row.summary, a.explanation = row.explanation, a.last_updated = row.as_of,
    a.window_start = row.window_start, a.window_end = row.as_of, a.updated_at = datetime()
WITH a, row
OPTIONAL MATCH (p:Person {person_id: row.subject_id}) WHERE row.subject_type = 'person'
OPTIONAL MATCH (h:Household {household_id: row.subject_id}) WHERE row.subject_type = 'household'
FOREACH (subject IN [x IN [p, h] WHERE x IS NOT NULL] | MERGE (a)-[:CONCERNS]->(subject))
WITH a, row
CALL (a, row) {
  UNWIND row.events AS ev
  MATCH (e:Event {source: ev.source, event_id: ev.event_id})
  MERGE (a)-[:EVIDENCE]->(e)
}
CALL (a) {
  MATCH (a)-[:EVIDENCE]->(e:Event)
  RETURN count(e) AS evidence_count, min(e.date) AS first_evidence, max(e.date) AS last_evidence
}
SET a.evidence_count = evidence_count, a.first_evidence = first_evidence, a.last_evidence = last_evidence
WITH a, row
WHERE row.transition IS NOT NULL
CREATE (a)-[:HAS_TRANSITION]->(:AlertTransition {
  alert_id: a.alert_id, from: row.transition.from, to: row.transition.to,
  by: row.transition.by, at: datetime(), reason: row.transition.reason})
