// Scored pairs already in the graph whose first record has an internal id in [$lo, $hi)
// (one Spark partition of `aim resolve --engine spark`).
MATCH (a:Record)-[s:SIMILAR]->(b:Record)
WHERE $lo <= id(a) < $hi
RETURN a.source AS sa, a.source_record_id AS ia, b.source AS sb, b.source_record_id AS ib,
       s.match_weight AS match_weight, s.model_version AS model_version
