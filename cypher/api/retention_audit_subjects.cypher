// Audit subjects that no entry is about any more.
MATCH (s:AuditSubject) WHERE NOT (s)<-[:ABOUT]-()
WITH s LIMIT $batch
DELETE s
RETURN null AS source, count(*) AS removed
