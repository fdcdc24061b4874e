// Real-time: drop pairs that fell below the review band, write the ones in or above it.
CALL () {
  UNWIND $gone AS row
  MATCH (a:Record {source: row.sa, source_record_id: row.ia})-[s:SIMILAR]->(b:Record {source: row.sb, source_record_id: row.ib})
  DELETE s
}
CALL () {
  UNWIND $pairs AS row
  MATCH (a:Record {source: row.sa, source_record_id: row.ia})
  MATCH (b:Record {source: row.sb, source_record_id: row.ib})
  MERGE (a)-[s:SIMILAR]->(b)
    ON CREATE SET s.created_at = datetime()
  SET s.match_weight = row.match_weight, s.probability = row.probability,
      s.explanation = row.explanation, s.model_version = row.model_version,
      s.band = row.band, s.updated_at = datetime()
}
