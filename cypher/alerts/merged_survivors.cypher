// Live persons that merged-away persons with alerts now stand for (see merged.cypher).
MATCH (a:Alert {subject_type: 'person'})
MATCH (:Person {person_id: a.subject_id})-[:MERGED_INTO*1..20]->(p:Person)
WHERE NOT (p)-[:MERGED_INTO]->()
RETURN DISTINCT p.person_id AS person_id
