// Current clusters: which active person holds which record.
MATCH (p:Person)-[:HAS_RECORD]->(r:Record)
RETURN p.person_id AS person_id, r.source AS source, r.source_record_id AS source_record_id
