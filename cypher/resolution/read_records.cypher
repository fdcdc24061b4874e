// Every record with the fields the engine compares (streamed once by `aim resolve`).
MATCH (r:Record)
RETURN r.source AS source, r.source_record_id AS source_record_id,
       r.first_name AS first_name, r.last_name AS last_name,
       toString(r.date_of_birth) AS date_of_birth, r.gender AS gender,
       r.address AS address, r.postcode AS postcode, r.bk_fp AS bk_fp
