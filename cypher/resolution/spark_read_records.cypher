// The records with an internal id in [$lo, $hi) (one Spark partition of `aim resolve
// --engine spark`): the fields the engine compares, the stored blocking-key fingerprint
// and the person that holds the record now.
MATCH (r:Record)
WHERE $lo <= id(r) < $hi
RETURN r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name,
       toString(r.date_of_birth) AS date_of_birth, r.gender AS gender,
       r.address AS address, r.postcode AS postcode, r.bk_fp AS bk_fp,
       head([(p:Person)-[:HAS_RECORD]->(r) | p.person_id]) AS person_id
