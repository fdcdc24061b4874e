// Where a record says the person lived, and from when to when (the dates of its events).
// A link that already spans the row's dates is dropped first, with a plain read, so a
// re-load takes no locks on shared addresses and writes nothing.
UNWIND $addresses AS row
OPTIONAL MATCH (:Record {source: row.source, source_record_id: row.source_record_id})
               -[known:LIVES_AT]->(:Address {key: row.key})
WITH row
WHERE known IS NULL
   OR coalesce(row.first_seen < known.first_seen, known.first_seen IS NULL AND row.first_seen IS NOT NULL)
   OR coalesce(row.last_seen > known.last_seen, known.last_seen IS NULL AND row.last_seen IS NOT NULL)
MERGE (a:Address {key: row.key})
  ON CREATE SET a.line = row.line, a.postcode = row.postcode,
                a.postcode_valid = row.postcode_valid, a.outward = row.outward
WITH a, row
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MERGE (r)-[l:LIVES_AT]->(a)
SET l.first_seen = CASE WHEN l.first_seen IS NULL OR row.first_seen < l.first_seen
                        THEN row.first_seen ELSE l.first_seen END,
    l.last_seen = CASE WHEN l.last_seen IS NULL OR row.last_seen > l.last_seen
                       THEN row.last_seen ELSE l.last_seen END
