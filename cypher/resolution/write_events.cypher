// Audit trail of resolution: one node per merge, split, creation, retirement or decision.
UNWIND $events AS e
CREATE (x:ResolutionEvent)
SET x = e, x.at = datetime()
WITH x, e
CALL (x, e) {
  UNWIND e.person_ids AS pid
  MATCH (p:Person {person_id: pid})
  MERGE (x)-[:ABOUT]->(p)
}
