// The households of these persons whose membership had not ended before $since, as
// [person id, household id] pairs (one row).
UNWIND $person_ids AS person_id
MATCH (:Person {person_id: person_id})-[m:MEMBER_OF]->(h:Household)
WHERE m.to IS NULL OR m.to >= $since
RETURN collect(DISTINCT [person_id, h.household_id]) AS memberships
