// The live person an id now stands for (following MERGED_INTO from tombstones).
MATCH (p:Person {person_id: $person_id})
OPTIONAL MATCH path = (p)-[:MERGED_INTO*1..20]->(q:Person)
WITH p, q, path ORDER BY length(path) DESC LIMIT 1
RETURN coalesce(q.person_id, p.person_id) AS person_id, coalesce(q.status, p.status) AS status
