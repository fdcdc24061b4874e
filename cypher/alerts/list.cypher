// Alerts for the alert screen: optionally only these statuses / this subject, highest score first.
MATCH (a:Alert)
WHERE ($statuses IS NULL OR a.status IN $statuses)
  AND ($subject_id IS NULL OR a.subject_id = $subject_id)
RETURN a {.*} AS alert
ORDER BY a.score DESC, a.last_updated DESC, a.alert_id
LIMIT $limit
