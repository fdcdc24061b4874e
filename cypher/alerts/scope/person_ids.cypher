// Scope: the given persons only (incremental re-evaluation), as of $today.
UNWIND $subject_ids AS subject_id
MATCH (s:Person {person_id: subject_id})
WITH DISTINCT s
WITH s, $today AS today
