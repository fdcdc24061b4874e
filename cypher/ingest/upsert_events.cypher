// An interaction reported by an organisation (e.source, the code of the record's holder)
// about one of its records; its date arrives as ISO text. An event id that arrives on
// another record (a correction) moves there rather than being counted twice. An event
// already on its record as given is dropped first, with a plain read, so a re-load takes
// no locks and writes nothing. That read starts from the event's unique index whatever the
// statistics say (see upsert_addresses).
UNWIND $events AS row
WITH row, date(row.date) AS day
OPTIONAL MATCH (:Record {source: row.source, source_record_id: row.source_record_id})
               -[:HAS_EVENT]->(known:Event {source: row.source, event_id: row.event_id})
USING INDEX SEEK known:Event(source, event_id)
WITH row, day
WHERE known IS NULL
   OR NOT coalesce(known.date = day, known.date IS NULL AND day IS NULL)
   OR NOT coalesce(known.type = row.type, known.type IS NULL AND row.type IS NULL)
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MERGE (e:Event {source: row.source, event_id: row.event_id})
SET e.date = day, e.type = row.type
MERGE (r)-[:HAS_EVENT]->(e)
WITH e, r
OPTIONAL MATCH (e)<-[moved:HAS_EVENT]-(other:Record)
WHERE other <> r
DELETE moved
