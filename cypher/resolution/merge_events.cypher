// Resolution events keyed by their id (a Spark task that is retried writes the same
// events again: MERGE, not CREATE); otherwise as write_events.
UNWIND $events AS e
MERGE (x:ResolutionEvent {event_id: e.event_id})
  ON CREATE SET x = e, x.at = datetime()
WITH x, e
CALL (x, e) {
  UNWIND e.person_ids AS pid
  MATCH (p:Person {person_id: pid})
  MERGE (x)-[:ABOUT]->(p)
}
