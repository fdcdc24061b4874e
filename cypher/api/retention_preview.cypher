// What a retention run would remove (counts only).
CALL () {
  MATCH (e:Event) WHERE e.date < $cutoff AND NOT (e)<-[:EVIDENCE]-()
  RETURN count(e) AS events
}
CALL () {
  MATCH (r:Record)-[:HAS_EVENT]->(e:Event)
  WITH r, max(e.date) AS newest, count(e) AS total,
       count(CASE WHEN e.date < $cutoff AND NOT (e)<-[:EVIDENCE]-() THEN 1 END) AS old
  WHERE old = total AND r.last_seen < $cutoff
  RETURN count(r) AS with_only_old_events
}
CALL () {
  MATCH (r:Record) WHERE NOT (r)-[:HAS_EVENT]->() AND r.last_seen < $cutoff
  RETURN count(r) AS without_events
}
RETURN events, with_only_old_events + without_events AS records
