// Scope: the given households only (incremental re-evaluation), as of $today.
UNWIND $subject_ids AS subject_id
MATCH (s:Household {household_id: subject_id})
WITH DISTINCT s
WITH s, $today AS today
