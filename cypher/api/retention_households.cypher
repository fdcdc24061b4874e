// One batch of households dissolved before the cutoff, or left without members since then,
// that no alert concerns and no active watch entry watches.
MATCH (h:Household)
WHERE NOT (h)<-[:MEMBER_OF]-()
  AND coalesce(h.dissolved_at, h.updated_at, h.created_at, datetime('0001-01-01T00:00:00Z')) < datetime({date: $cutoff})
  AND NOT (h)<-[:CONCERNS]-(:Alert)
  AND NOT (h)<-[:WATCHES]-(:WatchEntry {active: true})
WITH h LIMIT $batch
DETACH DELETE h
RETURN null AS source, count(*) AS removed
