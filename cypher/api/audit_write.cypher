// One audit entry at the end of the chain, linked to every subject (person or record id) it
// concerns, and the count of the read it records against the reader's daily quotas ($usage,
// null when it counts nothing), in one statement: the user's day and the chain's head are
// write-locked from here to the commit only. Locks are taken in that order, the day first.
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
// The next position: the SET locks the head, so concurrent appends take positions one by
// one; the entry's hash covers its content (hashed by the writer), position and predecessor.
MERGE (c:AuditChain {name: $chain})
  ON CREATE SET c.seq = 0, c.head = $genesis
SET c.seq = c.seq + 1
WITH c, searches, subjects, c.seq AS seq, c.head AS previous_hash
WITH c, searches, subjects, seq, previous_hash,
     apoc.util.sha256([$content_hash, ':', toString(seq), ':', previous_hash]) AS hash
CREATE (a:AuditEntry {
  entry_id: $entry_id, seq: seq, at: $at, username: $username, role: $role,
  organisation: $organisation, purpose: $purpose, method: $method, endpoint: $endpoint,
  action: $action, subject_ids: $subject_ids, detail: $detail, hashing: $hashing,
  previous_hash: previous_hash, hash: hash
})
SET c.head = hash
WITH a, searches, subjects, seq, previous_hash, hash
CALL (a) {
  UNWIND $subject_ids AS subject_id
  MERGE (s:AuditSubject {subject_id: subject_id})
  CREATE (a)-[:ABOUT]->(s)
}
RETURN seq, previous_hash, hash, searches, subjects
