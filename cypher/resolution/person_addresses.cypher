// The addresses of the given persons' records (what a real-time change may affect).
UNWIND $person_ids AS pid
MATCH (:Person {person_id: pid})-[:HAS_RECORD]->(:Record)-[:LIVES_AT]->(a:Address)
RETURN DISTINCT a.key AS address
