// Active households, largest first, with their address and members (read-only view of
// what `aim resolve` / real-time resolution derived).
MATCH (h:Household)
WHERE coalesce(h.status, 'active') = 'active'
  AND ($min_members IS NULL OR h.member_count >= $min_members)
WITH h ORDER BY h.member_count DESC, h.household_id SKIP $skip LIMIT $limit
OPTIONAL MATCH (h)-[:AT]->(a:Address)
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(h)
WITH h, a, p, m ORDER BY p.person_id
RETURN h.household_id AS household_id, h.member_count AS member_count,
       a {.line, .postcode} AS address,
       [x IN collect({person_id: p.person_id, first_name: p.first_name, last_name: p.last_name,
                      date_of_birth: p.date_of_birth, from: m.from, to: m.to}) WHERE x.person_id IS NOT NULL] AS members
ORDER BY member_count DESC, household_id
