// The reviewers' decisions on pairs that involve one of the subject's records.
CALL () {
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:Record) RETURN r
  UNION
  MATCH (r:Record {source: $source, source_record_id: $record_id}) RETURN r
}
WITH collect(r) AS own
UNWIND own AS r
MATCH (r)-[d:REVIEWED]-(:Record)
WITH DISTINCT d, own
WITH d, startNode(d) AS a, endNode(d) AS b, own
RETURN {source: a.source, source_record_id: a.source_record_id, own: a IN own} AS first,
       {source: b.source, source_record_id: b.source_record_id, own: b IN own} AS second,
       d.decision AS decision, d.reviewer AS reviewer, d.reason AS reason, d.at AS at
ORDER BY at
