// Which of a batch's records the graph holds already: the others are CREATEd with their
// links and events (create_records), taking no per-row MERGE lock. With each known record,
// what decides whether upsert_records would change it (its last_seen as ISO text, its
// fingerprint): one it would not change is not sent.
UNWIND $records AS key
MATCH (r:Record {source: key[0], source_record_id: key[1]})
RETURN collect([key[0], key[1], toString(r.last_seen), r.fingerprint]) AS known
