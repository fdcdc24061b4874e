// A case's notes, oldest first.
MATCH (:Case {case_id: $case_id})-[:HAS_NOTE]->(n:CaseNote)
RETURN n {.*} AS note
ORDER BY n.at, n.note_id
