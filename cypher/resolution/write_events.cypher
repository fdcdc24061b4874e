// Audit trail of resolution: one node per merge, split, creation, retirement or decision,
// keyed by its id (a retried Spark task writes the same events again: MERGE, not CREATE).
UNWIND $events AS e
MERGE (x:ResolutionEvent {event_id: e.event_id})
  ON CREATE SET x = e, x.at = datetime()
WITH x, e
CALL (x, e) {
  UNWIND e.person_ids AS pid
  MATCH (p:Person {person_id: pid})
  MERGE (x)-[:ABOUT]->(p)
}
