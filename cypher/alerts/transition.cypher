// A person moves an alert from one status to another; refused (no row) unless the alert is
// in one of $allowed_from. The change is recorded with who, when and why.
MATCH (a:Alert {alert_id: $alert_id})
WHERE a.status IN $allowed_from
WITH a, a.status AS previous
SET a.status = $to, a.status_changed_at = datetime(), a.status_changed_by = $by
CREATE (a)-[:HAS_TRANSITION]->(t:AlertTransition {alert_id: a.alert_id, from: previous, to: $to,
                                                  by: $by, at: datetime(), reason: $reason})
RETURN previous, a.subject_type AS subject_type, a.subject_id AS subject_id
