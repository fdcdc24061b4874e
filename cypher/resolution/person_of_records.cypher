UNWIND $keys AS k
MATCH (r:Record {source: k[0], source_record_id: k[1]})
OPTIONAL MATCH (r)<-[:HAS_RECORD]-(p:Person)
RETURN r.source AS source, r.source_record_id AS source_record_id, p.person_id AS person_id,
       r.first_name AS first_name, r.last_name AS last_name,
       toString(r.date_of_birth) AS date_of_birth, r.gender AS gender,
       r.address AS address, r.postcode AS postcode
