// Records that the graph does not hold yet (known_records), created with their holder,
// address links and new events in one pass: no MERGE, so no per-row lock or second seek.
// The properties are those upsert_records, upsert_addresses and upsert_events give a new
// record; dates arrive as ISO text. A record created meanwhile by another writer fails the
// uniqueness constraint, and the batch is then written again by the upserts (write_rows).
UNWIND $records AS row
MATCH (o:Organisation {code: row.source})
CREATE (r:Record {source: row.source, source_record_id: row.source_record_id})-[:HELD_BY]->(o)
SET r += row.details, r.date_of_birth = date(row.details.date_of_birth), r.last_seen = date(row.last_seen),
    r.fingerprint = row.fingerprint, r.created_at = datetime(), r.created_by_batch = $batch
WITH r, row
CALL (r, row) {
  UNWIND row.addresses AS link
  MATCH (a:Address {key: link.key})
  CREATE (r)-[:LIVES_AT {first_seen: date(link.first_seen), last_seen: date(link.last_seen)}]->(a)
}
CALL (r, row) {
  UNWIND row.events AS event
  CREATE (r)-[:HAS_EVENT]->(:Event {source: row.source, event_id: event.event_id,
                                    date: date(event.date), type: event.type})
}
