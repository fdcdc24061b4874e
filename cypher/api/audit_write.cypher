// Audit entries ($entries, in order) at the end of the chain, each linked to every subject
// (person or record id) it concerns, and the count of the read they record against the
// reader's daily quotas ($usage, null when they count nothing), in one statement: the user's
// day and the chain's head are write-locked from here to the commit only. Locks are taken in
// that order, the day first.
OPTIONAL CALL () {
  // A user's reads today: one more search, and the subjects ($usage.views: keyed hashes,
  // not ids) viewed for the first time today, each counted once a day. The write lock is
  // taken before the counts are read, so that concurrent reads (other workers) add up. The
  // user's days older than $usage.keep_since go: only the recent history is compared.
  WITH $usage AS usage WHERE usage IS NOT NULL
  MERGE (u:DailyUsage {key: usage.key})
    ON CREATE SET u.username = usage.username, u.role = usage.role, u.day = usage.day, u.searches = 0,
                  u.subjects = 0, u.refused = 0, u.viewed = []
  SET u.counted_at = datetime()
  WITH u, usage, [v IN usage.views WHERE NOT v IN u.viewed] AS fresh
  SET u.searches = u.searches + usage.searches, u.viewed = u.viewed + fresh, u.subjects = u.subjects + size(fresh)
  WITH u, usage
  CALL (u, usage) {
    MATCH (old:DailyUsage {username: u.username}) WHERE old.day < usage.keep_since
    DELETE old
  }
  RETURN u.searches AS searches, u.subjects AS subjects
}
// The next positions: the SET locks the head, so concurrent appends take positions one by
// one; each entry's hash covers its content (hashed by the writer), position and predecessor.
MERGE (c:AuditChain {name: $chain})
  ON CREATE SET c.seq = 0, c.head = $genesis
SET c.seq = c.seq + size($entries)
WITH c, searches, subjects, c.seq - size($entries) AS start
WITH c, searches, subjects, start,
     reduce(hashes = [c.head], e IN $entries |
            hashes + apoc.util.sha256([e.content_hash, ':', toString(start + size(hashes)), ':', last(hashes)]))
       AS hashes
SET c.head = last(hashes)
WITH searches, subjects, start, hashes
UNWIND range(0, size($entries) - 1) AS i
WITH searches, subjects, start + i + 1 AS seq, hashes[i] AS previous_hash, hashes[i + 1] AS hash, $entries[i] AS e
CREATE (a:AuditEntry {
  entry_id: e.entry_id, seq: seq, at: e.at, username: e.username, role: e.role,
  organisation: e.organisation, purpose: e.purpose, method: e.method, endpoint: e.endpoint,
  action: e.action, subject_ids: e.subject_ids, detail: e.detail, hashing: e.hashing,
  previous_hash: previous_hash, hash: hash
})
WITH a, e, searches, subjects, seq, previous_hash, hash
CALL (a, e) {
  UNWIND e.subject_ids AS subject_id
  MERGE (s:AuditSubject {subject_id: subject_id})
  CREATE (a)-[:ABOUT]->(s)
}
RETURN seq, previous_hash, hash, searches, subjects
ORDER BY seq
