// One batch of closed alerts (dismissed, referred, or closed when their activity lapsed) closed before the cutoff, with their
// history; the events they held as evidence are then free to age out.
MATCH (a:Alert) WHERE a.status IN ['dismissed', 'referred', 'closed']
  AND coalesce(a.status_changed_at, datetime({date: a.last_updated})) < datetime({date: $cutoff})
WITH a LIMIT $batch
OPTIONAL MATCH (a)-[:HAS_TRANSITION]->(t:AlertTransition)
WITH a, collect(t) AS transitions
FOREACH (t IN transitions | DETACH DELETE t)
DETACH DELETE a
RETURN null AS source, count(*) AS removed
