// An interaction reported by an organisation (e.source, the code of the record's holder)
// about one of its records. An event id that arrives on another record (a correction)
// moves there rather than being counted twice.
UNWIND $events AS row
MATCH (r:Record {source: row.source, source_record_id: row.source_record_id})
MERGE (e:Event {source: row.source, event_id: row.event_id})
SET e.date = row.date, e.type = row.type
MERGE (r)-[:HAS_EVENT]->(e)
WITH e, r
OPTIONAL MATCH (e)<-[moved:HAS_EVENT]-(other:Record)
WHERE other <> r
DELETE moved
