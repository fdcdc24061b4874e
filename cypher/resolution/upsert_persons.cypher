// Persons whose records changed: created when new, display fields refreshed.
UNWIND $persons AS row
MERGE (p:Person {person_id: row.person_id})
  ON CREATE SET p.created_at = datetime()
SET p += row.details,
    p.date_of_birth = CASE WHEN row.date_of_birth IS NULL THEN null ELSE date(row.date_of_birth) END,
    p.status = 'active', p.merged_into = null, p.updated_at = datetime()
