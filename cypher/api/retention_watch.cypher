// One batch of watch-list entries that ended before the cutoff.
MATCH (w:WatchEntry {active: false}) WHERE w.ended_at < datetime({date: $cutoff})
WITH w LIMIT $batch
DETACH DELETE w
RETURN null AS source, count(*) AS removed
