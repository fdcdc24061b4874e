// Scored pairs and review decisions touching the given records.
UNWIND $keys AS k
MATCH (a:Record {source: k[0], source_record_id: k[1]})-[s:SIMILAR|REVIEWED]-(b:Record)
RETURN a.source AS sa, a.source_record_id AS ia, b.source AS sb, b.source_record_id AS ib,
       type(s) AS type, s.match_weight AS match_weight, s.decision AS decision
