// What a retention run would remove (counts only). Events and records are counted as they
// stand: closed alerts that go first may free more of their evidence.
CALL () {
  MATCH (e:Event) WHERE e.date < $events AND NOT (e)<-[:EVIDENCE]-()
  RETURN count(e) AS events
}
CALL () {
  MATCH (r:Record)-[:HAS_EVENT]->(e:Event)
  WITH r, count(e) AS total,
       count(CASE WHEN e.date < $events AND NOT (e)<-[:EVIDENCE]-() THEN 1 END) AS old
  WHERE old = total AND r.last_seen < $events
  RETURN count(r) AS with_only_old_events
}
CALL () {
  MATCH (r:Record) WHERE NOT (r)-[:HAS_EVENT]->() AND r.last_seen < $events
  RETURN count(r) AS without_events
}
CALL () {
  MATCH (a:Alert) WHERE a.status IN ['dismissed', 'referred', 'closed']
    AND coalesce(a.status_changed_at, datetime({date: a.last_updated})) < datetime({date: $closed_alerts})
  RETURN count(a) AS closed_alerts
}
CALL () {
  // counted as if their closed alerts had gone already (they go first)
  MATCH (c:Case) WHERE c.status IN ['dismissed', 'referred', 'closed']
    AND coalesce(c.updated_at, c.opened_at) < datetime({date: $closed_alerts})
    AND NOT EXISTS {
      MATCH (c)-[:GATHERS]->(a:Alert)
      WHERE NOT (a.status IN ['dismissed', 'referred', 'closed']
                 AND coalesce(a.status_changed_at, datetime({date: a.last_updated})) < datetime({date: $closed_alerts}))
    }
  RETURN count(c) AS closed_cases
}
CALL () {
  MATCH (w:WatchEntry {active: false}) WHERE w.ended_at < datetime({date: $watch_entries})
  RETURN count(w) AS watch_entries
}
CALL () {
  MATCH (x:ResolutionEvent) WHERE x.at < datetime({date: $resolution_events})
  RETURN count(x) AS resolution_events
}
CALL () {
  MATCH (h:Household)
  WHERE NOT (h)<-[:MEMBER_OF]-()
    AND coalesce(h.dissolved_at, h.updated_at, h.created_at, datetime('0001-01-01T00:00:00Z')) < datetime({date: $households})
    AND NOT (h)<-[:CONCERNS]-(:Alert) AND NOT (h)<-[:WATCHES]-(:WatchEntry {active: true})
  RETURN count(h) AS households
}
CALL () {
  MATCH (a:AuditEntry) WHERE a.at < datetime({date: $audit})
  RETURN count(a) AS audit_entries
}
RETURN events, with_only_old_events + without_events AS records, closed_alerts, closed_cases, watch_entries,
       resolution_events, households, audit_entries
