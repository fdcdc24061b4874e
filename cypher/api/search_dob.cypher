// Candidate records for a person search: exact date of birth (and its day/month swap).
MATCH (r:Record) WHERE r.date_of_birth IN $dobs
WITH r LIMIT $limit
OPTIONAL MATCH (p:Person)-[:HAS_RECORD]->(r)
RETURN p.person_id AS person_id, r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name, r.date_of_birth AS date_of_birth,
       r.gender AS gender, 0.0 AS score
