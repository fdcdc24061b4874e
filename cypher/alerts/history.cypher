// An alert's status changes, oldest first.
MATCH (a:Alert {alert_id: $alert_id})-[:HAS_TRANSITION]->(t:AlertTransition)
RETURN t.from AS from, t.to AS to, t.by AS by, t.at AS at, t.reason AS reason
ORDER BY t.at, id(t)
