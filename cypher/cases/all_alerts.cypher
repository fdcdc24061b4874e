// Every alert, to gather alerts raised before cases existed into cases.
MATCH (a:Alert)
RETURN a.alert_id AS alert_id, a.subject_type AS subject_type, a.subject_id AS subject_id
