// Store one record's blocking keys and return its candidates: records sharing at least
// one key (indexed equality lookups, at most $per_key per key), with their persons.
MATCH (r:Record {source: $source, source_record_id: $source_record_id})
SET r += $keys, r.bk_fp = $fp
WITH r
CALL () {
  MATCH (c:Record) WHERE c.bk_dob_l = $bk_dob_l RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_f = $bk_dob_f RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_names = $bk_names RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_i = $bk_dob_i RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_dob_pc = $bk_dob_pc RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_pc_l = $bk_pc_l RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_pc_h = $bk_pc_h RETURN c LIMIT $per_key
  UNION
  MATCH (c:Record) WHERE c.bk_ny_yob = $bk_ny_yob RETURN c LIMIT $per_key
}
WITH r, c WHERE c <> r
OPTIONAL MATCH (c)<-[:HAS_RECORD]-(p:Person)
RETURN c.source AS source, c.source_record_id AS source_record_id,
       c.first_name AS first_name, c.last_name AS last_name,
       toString(c.date_of_birth) AS date_of_birth, c.gender AS gender,
       c.address AS address, c.postcode AS postcode, p.person_id AS person_id
