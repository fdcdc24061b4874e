// Human review decisions: 'same' = must-link, 'different' = cannot-link.
MATCH (a:Record)-[d:REVIEWED]->(b:Record)
RETURN a.source AS sa, a.source_record_id AS ia, b.source AS sb, b.source_record_id AS ib,
       d.decision AS decision
