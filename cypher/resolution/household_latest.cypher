// Each live person's latest first_seen over all addresses (to tell a current address).
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})-[:HAS_RECORD]->(:Record)-[l:LIVES_AT]->(a:Address)
WITH pid, a.key AS address, min(l.first_seen) AS since
ORDER BY since DESC, address
RETURN pid AS person_id, collect(address)[0] AS latest
