// Evaluation only, when resolution has not run: Households and memberships from a seeds
// data set's truth (truth/households.csv); `from`/`to` are dates, `to` null while current.
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (h:Household {household_id: row.household_id})
  ON CREATE SET h.origin = 'seeds-truth'
MERGE (p)-[m:MEMBER_OF {from: row.from}]->(h)
SET m.to = row.to
