// One household: its address and members over time.
MATCH (h:Household {household_id: $household_id})
OPTIONAL MATCH (h)-[:AT]->(a:Address)
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(h)
WITH h, a, p, m ORDER BY m.from, p.person_id
RETURN h.household_id AS household_id, h.member_count AS member_count, h.status AS status,
       a {.line, .postcode} AS address,
       [x IN collect({person_id: p.person_id, first_name: p.first_name, last_name: p.last_name,
                      date_of_birth: p.date_of_birth, from: m.from, to: m.to}) WHERE x.person_id IS NOT NULL] AS members
