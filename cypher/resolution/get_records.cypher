// Real-time: records by key, with the person that holds each (if any), what real-time
// resolution last saw of it (records.resolved_fingerprint) and the records it
// has a SIMILAR pair with (only those pairs can be dropped: none for a new record), read after
// write-locking the lock nodes of the given blocking-key buckets ($buckets, sorted so that
// two resolutions never wait for each other in a cycle; [] for none). A bucket's node is
// made on first use; the unique constraint (schema/22_resolution_locks) keeps it one node
// even when two transactions make it at once. Setting and removing a property takes the
// lock and leaves nothing behind.
CALL () {
  UNWIND $buckets AS bucket
  MERGE (l:ResolutionLock {bucket: bucket})
  SET l._lock = true
  REMOVE l._lock
}
UNWIND $keys AS k
MATCH (r:Record {source: k[0], source_record_id: k[1]})
OPTIONAL MATCH (r)<-[:HAS_RECORD]-(p:Person)
RETURN r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name,
       toString(r.date_of_birth) AS date_of_birth, r.gender AS gender,
       r.address AS address, r.postcode AS postcode, p.person_id AS person_id, r.resolved_as AS resolved_as,
       [(r)-[:SIMILAR]-(o:Record) | [o.source, o.source_record_id]] AS similar
