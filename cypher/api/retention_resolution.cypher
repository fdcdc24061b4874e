// One batch of resolution events (merges, splits, decisions applied) from before the cutoff.
MATCH (e:ResolutionEvent) WHERE e.at < datetime({date: $cutoff})
WITH e LIMIT $batch
DETACH DELETE e
RETURN null AS source, count(*) AS removed
