// One batch of records with nothing left to justify them: no events, and nothing
// received for them since the cutoff. Deleted with their links.
MATCH (r:Record)
WHERE NOT (r)-[:HAS_EVENT]->() AND r.last_seen < $cutoff
  AND coalesce(r.updated_at, r.created_at, datetime('0001-01-01T00:00:00Z')) < datetime({date: $cutoff})
WITH r LIMIT $batch
WITH r, r.source AS source
DETACH DELETE r
RETURN source, count(*) AS removed
