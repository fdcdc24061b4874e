// A reviewer's decision on a pair (lower key first); the latest decision on a pair wins.
MATCH (a:Record {source: $sa, source_record_id: $ia})
MATCH (b:Record {source: $sb, source_record_id: $ib})
MERGE (a)-[d:REVIEWED]->(b)
SET d.decision = $decision, d.reviewer = $reviewer, d.reason = $reason, d.at = datetime()
RETURN count(d) AS n
