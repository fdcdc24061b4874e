// Which of a batch's records the graph holds already: the others are CREATEd with their
// links and events (create_records), taking no per-row MERGE lock.
UNWIND $records AS key
MATCH (:Record {source: key[0], source_record_id: key[1]})
RETURN collect(key) AS known
