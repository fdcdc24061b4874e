// The members of these households, to map graph households to true households.
UNWIND $household_ids AS household_id
MATCH (:Household {household_id: household_id})<-[:MEMBER_OF]-(p:Person)
RETURN household_id, collect(DISTINCT p.person_id) AS members
