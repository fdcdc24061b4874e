// Current households: members, periods and address.
MATCH (h:Household {status: 'active'})-[:AT]->(a:Address)
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(h)
RETURN h.household_id AS household_id, a.key AS address,
       p.person_id AS person_id, toString(m.from) AS from, toString(m.to) AS to
