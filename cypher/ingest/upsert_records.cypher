// One agency's record of a person, keyed by (source, source_record_id). The row with the
// latest event date carries the record's current details, so that re-sending an older row
// never overwrites a newer one and a corrected row replaces what it corrects.
// Rows that would change nothing (same details and date, or older) are dropped first, with
// a plain read: a re-load then takes no locks and writes nothing. Dates arrive as ISO text.
// HELD_BY is created only with the record: a MERGE would lock the organisation node (one
// node shared by every record of an agency) and serialise concurrent writers on it.
UNWIND $records AS row
WITH row, date(row.last_seen) AS last_seen, date(row.details.date_of_birth) AS date_of_birth
OPTIONAL MATCH (known:Record {source: row.source, source_record_id: row.source_record_id})
WITH row, last_seen, date_of_birth
WHERE known IS NULL OR known.last_seen IS NULL OR last_seen > known.last_seen
   OR (last_seen = known.last_seen AND coalesce(known.fingerprint <> row.fingerprint, true))
MATCH (o:Organisation {code: row.source})
MERGE (r:Record {source: row.source, source_record_id: row.source_record_id})
  ON CREATE SET r.created_at = datetime(), r.created_by_batch = $batch
WITH r, o, row, last_seen, date_of_birth,
     r.created_by_batch = $batch AS created,
     r.last_seen IS NULL OR last_seen >= r.last_seen AS newer,
     r.fingerprint IS NOT NULL AND r.fingerprint <> row.fingerprint AS differs
FOREACH (_ IN CASE WHEN newer THEN [1] ELSE [] END |
  SET r += row.details, r.date_of_birth = date_of_birth, r.last_seen = last_seen, r.fingerprint = row.fingerprint)
FOREACH (_ IN CASE WHEN newer AND differs THEN [1] ELSE [] END |
  SET r.updated_at = datetime())
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (r)-[:HELD_BY]->(o))
RETURN count(CASE WHEN newer AND differs THEN 1 END) AS updated
