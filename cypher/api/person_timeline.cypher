// A subject's events across agencies, newest first, filtered and paginated; and how many
// records the subject has (none: no such subject), so that one round trip tells both.
CALL () {
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: $source, source_record_id: $record_id}) RETURN r
}
WITH collect(r) AS records
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:HAS_EVENT]->(e:Event)
  WHERE ($since IS NULL OR e.date >= $since)
    AND ($until IS NULL OR e.date <= $until)
    AND ($organisation IS NULL OR e.source = $organisation)
    AND ($kind IS NULL OR e.type = $kind)
  WITH e, r ORDER BY e.date DESC, e.source, e.event_id
  RETURN collect({event_id: e.event_id, date: e.date, kind: e.type, organisation: e.source,
                  source_record_id: r.source_record_id}) AS events
}
RETURN size(records) AS records, size(events) AS total, events[$skip..$skip + $limit] AS events
