// Candidate records for a person search: equality lookups on the resolution blocking
// keys (bk_* range indexes written by `aim resolve` and real-time resolution), computed
// from the searched details and every nickname variant of the given name.
CALL () {
  UNWIND $names AS v MATCH (r:Record {bk_names: v}) RETURN r
  UNION
  UNWIND $dob_l AS v MATCH (r:Record {bk_dob_l: v}) RETURN r
  UNION
  UNWIND $dob_f AS v MATCH (r:Record {bk_dob_f: v}) RETURN r
  UNION
  UNWIND $dob_i AS v MATCH (r:Record {bk_dob_i: v}) RETURN r
  UNION
  UNWIND $ny_yob AS v MATCH (r:Record {bk_ny_yob: v}) RETURN r
}
WITH r LIMIT $limit
OPTIONAL MATCH (p:Person)-[:HAS_RECORD]->(r)
RETURN p.person_id AS person_id, r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name, r.date_of_birth AS date_of_birth,
       r.gender AS gender, 1.0 AS score
