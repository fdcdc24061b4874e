// Move an alert from a merged-away person to the surviving person (same alert, same id),
// recording the move in its history.
MATCH (a:Alert {alert_id: $alert_id})
MATCH (p:Person {person_id: $survivor})
OPTIONAL MATCH (a)-[c:CONCERNS]->(:Person {person_id: $old_id})
DELETE c
SET a.subject_id = $survivor, a.updated_at = datetime()
MERGE (a)-[:CONCERNS]->(p)
CREATE (a)-[:HAS_TRANSITION]->(:AlertTransition {alert_id: a.alert_id, from: a.status, to: a.status,
                                                 by: 'engine', at: datetime(), reason: $reason})
