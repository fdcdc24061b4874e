// The active watch entry on one subject, if any (a re-add shows it instead of replacing it).
MATCH (w:WatchEntry {active: true, subject_id: $subject_id})
RETURN w {.*} AS entry
ORDER BY w.since DESC
LIMIT 1
