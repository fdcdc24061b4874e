// The households a person belongs (or belonged) to, their address and all members.
MATCH (:Person {person_id: $person_id})-[:MEMBER_OF]->(h:Household)
MATCH (h)-[:AT]->(a:Address)
MATCH (m:Person)-[mo:MEMBER_OF]->(h)
RETURN h {.household_id, .status, .member_count} AS household,
       a {.key, .line, .postcode, .shared} AS address,
       m {.person_id, .first_name, .last_name, .status, date_of_birth: toString(m.date_of_birth)} AS member,
       toString(mo.from) AS from, toString(mo.to) AS to
ORDER BY h.household_id, m.person_id
LIMIT $limit
