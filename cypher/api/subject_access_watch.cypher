// Watch-list entries on a person, or on a household it belongs to, active or ended.
MATCH (p:Person {person_id: $person_id})
CALL (p) {
  MATCH (w:WatchEntry)-[:WATCHES]->(p) RETURN w, 'person' AS about
  UNION
  MATCH (p)-[:MEMBER_OF]->(:Household)<-[:WATCHES]-(w:WatchEntry) RETURN w, 'household' AS about
}
RETURN w {.owner, .reason, .review_date, .since, .active, .ended_at, .ended_by, .end_reason} AS entry, about
ORDER BY entry.since
