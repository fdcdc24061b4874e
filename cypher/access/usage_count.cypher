// A user's reads today: one more search ($searches 1), and the subjects ($views: keyed
// hashes, not ids) viewed for the first time today, each counted once a day. The write lock
// is taken before the counts are read, so that concurrent reads (other workers) add up.
// The user's days older than $keep_since go: only the recent history is compared.
MERGE (u:DailyUsage {key: $usage_key})
  ON CREATE SET u.username = $username, u.role = $role, u.day = $day, u.searches = 0, u.subjects = 0,
                u.refused = 0, u.viewed = []
SET u.counted_at = datetime()
WITH u
WITH u, [v IN $views WHERE NOT v IN u.viewed] AS fresh
SET u.searches = u.searches + $searches, u.viewed = u.viewed + fresh, u.subjects = u.subjects + size(fresh)
WITH u
CALL (u) {
  MATCH (old:DailyUsage {username: u.username}) WHERE old.day < $keep_since
  DELETE old
}
RETURN u.searches AS searches, u.subjects AS subjects
