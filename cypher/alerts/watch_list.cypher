// The active watch list with each subject's activity since the watch began (up to $today);
// `due` when the review date has come.
MATCH (w:WatchEntry {active: true})-[:WATCHES]->(s)
CALL (s, w) {
  OPTIONAL MATCH (s:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  WHERE e.date > w.since AND e.date <= $today
  RETURN e
  UNION
  OPTIONAL MATCH (s:Household)<-[m:MEMBER_OF]-(:Person)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e:Event)
  WHERE e.date > w.since AND e.date <= $today
    AND (m.from IS NULL OR m.from <= e.date) AND (m.to IS NULL OR m.to >= e.date)
  RETURN e
}
WITH w, e ORDER BY e.date
WITH w, [x IN collect(e) | {source: x.source, event_id: x.event_id, date: x.date, type: x.type}] AS activity
WHERE NOT $due_only OR w.review_date <= $today
RETURN w {.*} AS entry, activity, w.review_date <= $today AS due
ORDER BY w.review_date, w.watch_id
