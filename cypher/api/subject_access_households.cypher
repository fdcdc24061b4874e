// The households a person belongs to: its own membership and the address; the other
// members only counted.
MATCH (p:Person {person_id: $person_id})-[m:MEMBER_OF]->(h:Household)
OPTIONAL MATCH (h)-[:AT]->(a:Address)
RETURN m.from AS member_from, m.to AS member_to, h.status AS status, a.line AS address, a.postcode AS postcode,
       COUNT { (other:Person)-[:MEMBER_OF]->(h) WHERE other <> p } AS other_members
ORDER BY member_from
