// One alert with its subject and evidence.
MATCH (a:Alert {alert_id: $alert_id})
OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
WITH a, e ORDER BY e.date
RETURN a {.*} AS alert,
       [x IN collect(e) | {source: x.source, event_id: x.event_id, date: x.date, type: x.type}] AS evidence
