// Alerts about a person, or about a household it belongs to, with their history and the
// evidence that is the subject's own (the rest is only counted).
MATCH (p:Person {person_id: $person_id})
CALL (p) {
  MATCH (a:Alert)-[:CONCERNS]->(p) RETURN a, 'person' AS about
  UNION
  MATCH (p)-[:MEMBER_OF]->(:Household)<-[:CONCERNS]-(a:Alert) RETURN a, 'household' AS about
}
CALL (a) {
  OPTIONAL MATCH (a)-[:HAS_TRANSITION]->(t:AlertTransition)
  WITH t ORDER BY t.at
  RETURN collect(t {.from, .to, .by, .at, .reason}) AS transitions
}
CALL (a, p) {
  OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
  WITH e, EXISTS { (p)-[:HAS_RECORD]->(:Record)-[:HAS_EVENT]->(e) } AS own
  RETURN [x IN collect(CASE WHEN own THEN e END) | x {.source, .event_id, .date, .type}] AS evidence,
         count(CASE WHEN NOT own THEN 1 END) AS other_evidence
}
RETURN a {.rule, .title, .status, .rag, .score, .summary, .first_raised, .last_updated} AS alert, about,
       transitions, evidence, other_evidence
ORDER BY alert.first_raised
