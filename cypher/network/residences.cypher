// Every address the persons' records give, with the person's period there (earliest
// first_seen to latest last_seen over their records).
UNWIND $person_ids AS pid
MATCH (:Person {person_id: pid})-[:HAS_RECORD]->(:Record)-[l:LIVES_AT]->(a:Address)
WITH pid, a, min(l.first_seen) AS from, max(l.last_seen) AS to
RETURN pid AS person_id, a {.key, .line, .postcode, .shared} AS address, toString(from) AS from,
       toString(to) AS to
ORDER BY pid, a.key
