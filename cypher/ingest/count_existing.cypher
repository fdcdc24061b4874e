// How many of a batch's records and events are already in the graph (for the ingest summary).
CALL () {
  UNWIND $records AS key
  OPTIONAL MATCH (r:Record {source: key.source, source_record_id: key.source_record_id})
  RETURN count(r) AS records
}
CALL () {
  UNWIND $events AS key
  OPTIONAL MATCH (e:Event {source: key.source, event_id: key.event_id})
  RETURN count(e) AS events
}
RETURN records, events
