// One batch of closed cases (dismissed, referred, or closed when their alerts lapsed) last
// changed before the cutoff and no longer gathering any alert (their closed alerts age out first),
// with their history, notes and partners' review requests.
MATCH (c:Case) WHERE c.status IN ['dismissed', 'referred', 'closed']
  AND coalesce(c.updated_at, c.opened_at) < datetime({date: $cutoff})
  AND NOT (c)-[:GATHERS]->(:Alert)
WITH c LIMIT $batch
OPTIONAL MATCH (c)-[:HAS_TRANSITION|HAS_NOTE|HAS_REQUEST]->(part)
WITH c, collect(part) AS parts
FOREACH (part IN parts | DETACH DELETE part)
DETACH DELETE c
RETURN null AS source, count(*) AS removed
