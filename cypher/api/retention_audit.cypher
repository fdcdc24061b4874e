// One batch of audit entries up to the anchored position (or, from before the chain, older
// than the cutoff); then the subjects no entry is about any more.
MATCH (a:AuditEntry)
WHERE a.seq <= $through OR (a.seq IS NULL AND a.at < datetime({date: $cutoff}))
WITH a LIMIT $batch
DETACH DELETE a
RETURN null AS source, count(*) AS removed
