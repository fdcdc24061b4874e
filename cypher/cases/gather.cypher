// The engine has just written these alerts: each joins the one case of its subject (created
// when the subject has none), leaving any case it was gathered by before (an alert that
// followed a merged-away person to the survivor moves to the survivor's case).
UNWIND $alerts AS row
MATCH (a:Alert {alert_id: row.alert_id})
MERGE (c:Case {subject_type: a.subject_type, subject_id: a.subject_id})
  ON CREATE SET c.case_id = row.case_id, c.status = 'new', c.opened_at = datetime(), c.opened_by = 'system'
WITH DISTINCT a, c
OPTIONAL MATCH (other:Case)-[left:GATHERS]->(a)
WHERE other <> c
DELETE left
MERGE (c)-[:GATHERS]->(a)
RETURN DISTINCT c.case_id AS case_id
