// Take a subject off the watch list (the entry is kept, inactive, for the record).
MATCH (w:WatchEntry {watch_id: $watch_id, active: true})
SET w.active = false, w.ended_at = datetime(), w.ended_by = $by, w.end_reason = $reason
RETURN w {.*} AS entry
