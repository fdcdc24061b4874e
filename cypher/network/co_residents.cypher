// Persons who gave an address the person also gave, past and present, with both periods
// there. Shared addresses (care homes, hostels, blocks) are included but flagged.
MATCH (p:Person {person_id: $person_id})-[:HAS_RECORD]->(:Record)-[l:LIVES_AT]->(a:Address)
WITH p, a, min(l.first_seen) AS p_from, max(l.last_seen) AS p_to
MATCH (a)<-[l2:LIVES_AT]-(:Record)<-[:HAS_RECORD]-(q:Person)
WHERE q <> p AND ($include_shared OR coalesce(a.shared, false) = false)
WITH p, a, p_from, p_to, q, min(l2.first_seen) AS q_from, max(l2.last_seen) AS q_to
RETURN a {.key, .line, .postcode, .shared} AS address,
       q {.person_id, .first_name, .last_name, .status, date_of_birth: toString(q.date_of_birth)} AS person,
       toString(p_from) AS person_from, toString(p_to) AS person_to,
       toString(q_from) AS from, toString(q_to) AS to
ORDER BY a.key, q.person_id
LIMIT $limit
