// Candidate records for a person search: full-text (fuzzy, nickname-expanded) on names.
// $lucene is built from normalised A-Z tokens only.
CALL db.index.fulltext.queryNodes('record_names', $lucene, {limit: $limit}) YIELD node AS r, score
OPTIONAL MATCH (p:Person)-[:HAS_RECORD]->(r)
RETURN p.person_id AS person_id, r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name, r.date_of_birth AS date_of_birth,
       r.gender AS gender, score
