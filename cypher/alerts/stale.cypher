// Open alerts whose rule window has passed with no new activity become stale: their last
// evidence is on or before $today - (the rule's window + $stale_days). Rules and windows
// come as $rules [{rule, days}]. Each change is an AlertTransition by $by with its reason.
UNWIND $rules AS r
MATCH (a:Alert {rule: r.rule})
WHERE a.status IN $open
CALL (a) {
  OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
  RETURN max(e.date) AS last_evidence
}
WITH a, r, last_evidence
WHERE last_evidence IS NOT NULL AND last_evidence <= $today - duration({days: r.days + $stale_days})
WITH a, a.status AS previous, last_evidence, last_evidence + duration({days: r.days}) AS window_passed
SET a.status = 'stale', a.stale_since = $today, a.last_evidence = last_evidence,
    a.status_changed_at = datetime(), a.status_changed_by = $by
CREATE (a)-[:HAS_TRANSITION]->(:AlertTransition {
  alert_id: a.alert_id, from: previous, to: 'stale', by: $by, at: datetime(),
  reason: 'no new activity since ' + toString(last_evidence) + '; the rule window passed on '
          + toString(window_passed)})
RETURN a.alert_id AS alert_id, a.subject_type AS subject_type, a.subject_id AS subject_id
