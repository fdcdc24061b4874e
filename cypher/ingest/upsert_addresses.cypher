// Where a record says the person lived, and from when to when (the dates of its events).
UNWIND $addresses AS row
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
