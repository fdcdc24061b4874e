// Where a record says the person lived, and from when to when (the dates of its events,
// which arrive as ISO text). A link that already spans the row's dates is dropped first,
// with a plain read, so a re-load takes no locks on shared addresses and writes nothing.
// The read starts from the record's unique index, whatever the statistics say: planned while
// they held the indexes empty, it scanned every address's key for each row, and a re-load,
// which commits nothing, kept that plan for all its batches (docs/benchmarks.md, Ingest).
UNWIND $addresses AS row
WITH row, date(row.first_seen) AS first_seen, date(row.last_seen) AS last_seen
OPTIONAL MATCH (record:Record {source: row.source, source_record_id: row.source_record_id})
               -[known:LIVES_AT]->(:Address {key: row.key})
USING INDEX SEEK record:Record(source, source_record_id)
WITH row, first_seen, last_seen
WHERE known IS NULL
   OR coalesce(first_seen < known.first_seen, known.first_seen IS NULL AND first_seen IS NOT NULL)
   OR coalesce(last_seen > known.last_seen, known.last_seen IS NULL AND last_seen IS NOT NULL)
MERGE (a:Address {key: row.key})
  ON CREATE SET a.line = row.line, a.postcode = row.postcode,
                a.postcode_valid = row.postcode_valid, a.outward = row.outward
WITH a, row, first_seen, last_seen
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MERGE (r)-[l:LIVES_AT]->(a)
SET l.first_seen = CASE WHEN l.first_seen IS NULL OR first_seen < l.first_seen
                        THEN first_seen ELSE l.first_seen END,
    l.last_seen = CASE WHEN l.last_seen IS NULL OR last_seen > l.last_seen
                       THEN last_seen ELSE l.last_seen END
