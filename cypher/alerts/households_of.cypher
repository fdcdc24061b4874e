// The households of these persons whose membership had not ended before $since (one row).
UNWIND $person_ids AS person_id
MATCH (:Person {person_id: person_id})-[m:MEMBER_OF]->(h:Household)
WHERE m.to IS NULL OR m.to >= $since
RETURN collect(DISTINCT h.household_id) AS household_ids
