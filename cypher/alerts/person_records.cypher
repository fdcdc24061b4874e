// The records of these persons, to map graph persons to true persons in an evaluation.
UNWIND $person_ids AS person_id
MATCH (:Person {person_id: person_id})-[:HAS_RECORD]->(r:Record)
RETURN person_id, r.source AS source, r.source_record_id AS source_record_id
