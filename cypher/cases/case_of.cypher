// A case's subject and status (for reading it in full, or saying why an action was refused).
MATCH (c:Case {case_id: $case_id})
RETURN c.subject_id AS subject_id, c.status AS status
