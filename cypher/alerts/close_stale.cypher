// Stale alerts with no new activity for $close_days days since they went stale are closed
// by $by (an AlertTransition with the reason).
MATCH (a:Alert {status: 'stale'})
WHERE a.stale_since <= $today - duration({days: $close_days})
SET a.status = 'closed', a.closed_on = $today, a.status_changed_at = datetime(), a.status_changed_by = $by
CREATE (a)-[:HAS_TRANSITION]->(:AlertTransition {
  alert_id: a.alert_id, from: 'stale', to: 'closed', by: $by, at: datetime(),
  reason: 'stale since ' + toString(a.stale_since) + ' with no new activity for ' + toString($close_days)
          + ' days'})
RETURN a.alert_id AS alert_id, a.subject_type AS subject_type, a.subject_id AS subject_id
