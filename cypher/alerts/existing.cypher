// The current state of the alerts these rules keep about these subjects: id, status and the
// events already held as evidence.
UNWIND $keys AS key
MATCH (a:Alert {rule: key.rule, subject_type: key.subject_type, subject_id: key.subject_id})
OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
RETURN a.rule AS rule, a.subject_type AS subject_type, a.subject_id AS subject_id,
       a.alert_id AS alert_id, a.status AS status, collect(e.source + '|' + e.event_id) AS evidence
