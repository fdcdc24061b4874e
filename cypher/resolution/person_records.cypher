// Every record of the given persons (the neighbourhood a local re-clustering works on).
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})-[:HAS_RECORD]->(r:Record)
RETURN p.person_id AS person_id, r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name,
       toString(r.date_of_birth) AS date_of_birth, r.gender AS gender,
       r.address AS address, r.postcode AS postcode
