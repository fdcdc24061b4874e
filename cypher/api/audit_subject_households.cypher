// The households a person is or was a member of: accesses to them concern the person too.
MATCH (:Person {person_id: $person_id})-[:MEMBER_OF]->(h:Household)
RETURN h.household_id AS household_id, h.status AS status
ORDER BY household_id
