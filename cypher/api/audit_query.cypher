// Audit entries, newest first, filtered by user, subject, endpoint and time.
CALL () {
  MATCH (s:AuditSubject) WHERE s.subject_id IN $subject_ids
  MATCH (a:AuditEntry)-[:ABOUT]->(s)
  RETURN DISTINCT a
  UNION
  MATCH (a:AuditEntry) WHERE $subject_ids IS NULL
  RETURN a
}
WITH a
WHERE ($username IS NULL OR a.username = $username)
  AND ($endpoint IS NULL OR a.endpoint STARTS WITH $endpoint)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at <= $until)
WITH a ORDER BY a.at DESC, a.entry_id
WITH collect(a) AS entries
RETURN size(entries) AS total,
       [a IN entries[$skip..$skip + $limit] | a {.*, at: toString(a.at)}] AS entries
