// A person acts on a case: refused (no row) unless the case is in one of $allowed_from
// (null: any status). $changes (owner, due date, referral, outcome, ...) are set on the case,
// the action is recorded as a transition, and the case's alerts in $alert_from move to
// $alert_to (null: they stay) with their own transition, so no alert of a closed case
// stays open. $review_requests marks the partners' pending requests as reviewed.
MATCH (c:Case {case_id: $case_id})
WHERE $allowed_from IS NULL OR c.status IN $allowed_from
WITH c, c.status AS previous
SET c += $changes, c.status = coalesce($to, c.status), c.updated_at = datetime(), c.last_action_at = datetime()
CREATE (c)-[:HAS_TRANSITION]->(:CaseTransition {case_id: c.case_id, action: $action, from: previous,
                                                to: c.status, by: $by, at: datetime(), reason: $reason,
                                                detail: $detail})
WITH c, previous
CALL (c) {
  OPTIONAL MATCH (c)-[:GATHERS]->(a:Alert)
  WHERE $alert_to IS NOT NULL AND a.status IN $alert_from
  WITH a, a.status AS was WHERE a IS NOT NULL
  SET a.status = $alert_to, a.status_changed_at = datetime(), a.status_changed_by = $by
  CREATE (a)-[:HAS_TRANSITION]->(:AlertTransition {alert_id: a.alert_id, from: was, to: $alert_to, by: $by,
                                                   at: datetime(),
                                                   reason: 'case ' + c.case_id + ': ' + coalesce($reason, $action)})
  RETURN count(a) AS alerts_changed
}
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_REQUEST]->(r:CaseRequest)
  WHERE $review_requests AND r.reviewed_at IS NULL
  SET r.reviewed_at = datetime(), r.reviewed_by = $by
  RETURN count(r) AS reviewed
}
CALL (c) {
  WITH c WHERE $note IS NOT NULL
  CREATE (c)-[:HAS_NOTE]->(:CaseNote {note_id: $note_id, case_id: c.case_id, text: $note, by: $by, at: datetime()})
}
RETURN previous, c.status AS status, c.subject_type AS subject_type, c.subject_id AS subject_id, alerts_changed,
       reviewed
