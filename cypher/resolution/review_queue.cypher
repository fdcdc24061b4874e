// Pairs in the review band with no human decision yet, most probable first.
MATCH (a:Record)-[s:SIMILAR {band: 'review'}]->(b:Record)
WHERE NOT (a)-[:REVIEWED]-(b)
OPTIONAL MATCH (a)<-[:HAS_RECORD]-(pa:Person)
OPTIONAL MATCH (b)<-[:HAS_RECORD]-(pb:Person)
RETURN a.source AS source_a, a.source_record_id AS source_record_id_a,
       b.source AS source_b, b.source_record_id AS source_record_id_b,
       s.match_weight AS match_weight, s.probability AS probability,
       s.explanation AS explanation, s.model_version AS model_version,
       pa.person_id AS person_a, pb.person_id AS person_b,
       a {.first_name, .last_name, .date_of_birth, .gender, .address, .postcode} AS record_a,
       b {.first_name, .last_name, .date_of_birth, .gender, .address, .postcode} AS record_b
ORDER BY s.probability DESC, source_a, source_record_id_a, source_b, source_record_id_b
SKIP $offset LIMIT $limit
