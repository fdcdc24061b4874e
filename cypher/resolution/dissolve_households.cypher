// Households that no longer exist keep their node (alerts may point at them), lose members.
UNWIND $ids AS id
MATCH (h:Household {household_id: id})
SET h.status = 'dissolved', h.dissolved_at = datetime(), h.member_count = 0
WITH h
CALL (h) {
  MATCH (:Person)-[m:MEMBER_OF]->(h)
  DELETE m
}
