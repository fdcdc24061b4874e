// Pairs that fell below the review band (or whose records no longer block together).
UNWIND $pairs AS row
MATCH (a:Record {source: row.sa, source_record_id: row.ia})-[s:SIMILAR]->(b:Record {source: row.sb, source_record_id: row.ib})
DELETE s
