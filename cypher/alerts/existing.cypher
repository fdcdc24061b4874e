// The current state of the given alerts: status and the events already held as evidence.
UNWIND $alert_ids AS id
MATCH (a:Alert {alert_id: id})
OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
RETURN a.alert_id AS alert_id, a.status AS status,
       collect(e.source + '|' + e.event_id) AS evidence
