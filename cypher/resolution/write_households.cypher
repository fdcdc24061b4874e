// Households whose members changed: the node, its address, and its members' periods.
UNWIND $rows AS row
MATCH (a:Address {key: row.address})
MERGE (h:Household {household_id: row.household_id})
  ON CREATE SET h.created_at = datetime()
SET h.status = 'active', h.member_count = size(row.members), h.updated_at = datetime()
MERGE (h)-[:AT]->(a)
WITH h, row
CALL (h, row) {
  MATCH (:Person)-[m:MEMBER_OF]->(h)
  DELETE m
}
CALL (h, row) {
  UNWIND row.members AS mem
  MATCH (p:Person {person_id: mem.person_id})
  CREATE (p)-[m:MEMBER_OF]->(h)
  SET m.from = CASE WHEN mem.from IS NULL THEN null ELSE date(mem.from) END,
      m.to = CASE WHEN mem.to IS NULL THEN null ELSE date(mem.to) END
}
