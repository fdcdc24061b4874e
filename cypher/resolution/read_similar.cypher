// Scored pairs already in the graph (what a batch run compares its result with).
MATCH (a:Record)-[s:SIMILAR]->(b:Record)
RETURN a.source AS sa, a.source_record_id AS ia, b.source AS sb, b.source_record_id AS ib,
       s.match_weight AS match_weight, s.model_version AS model_version
