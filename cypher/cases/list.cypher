// Cases for the MASH's queue: optionally only these statuses / this RAG / this rule / this
// owner / this subject; worst RAG first, then the most recent activity. Each with its
// subject's name (a person's name, a household's address) and the alerts it gathers.
MATCH (c:Case)
WHERE ($statuses IS NULL OR c.status IN $statuses)
  AND ($rag IS NULL OR toLower(c.rag) = toLower($rag))
  AND ($rule IS NULL OR $rule IN c.rules)
  AND ($owner IS NULL OR c.owner = $owner)
  AND ($subject_id IS NULL OR c.subject_id = $subject_id)
WITH c, CASE c.rag WHEN 'Red' THEN 0 WHEN 'Amber' THEN 1 WHEN 'Green' THEN 2 ELSE 3 END AS rank
ORDER BY rank, c.last_activity DESC, c.case_id
LIMIT $limit
OPTIONAL MATCH (c)-[:GATHERS]->(a:Alert)
WITH c, rank, a ORDER BY a.score DESC
WITH c, rank, [x IN collect(a) | x {.alert_id, .rule, .title, .rag, .status, .summary, .score}] AS alerts
OPTIONAL MATCH (person:Person {person_id: c.subject_id}) WHERE c.subject_type = 'person'
OPTIONAL MATCH (:Household {household_id: c.subject_id})-[:AT]->(address:Address) WHERE c.subject_type = 'household'
CALL (person) {
  OPTIONAL MATCH (person)-[:HAS_RECORD]->(x:Record)
  WHERE x.date_of_birth IS NOT NULL
  WITH x.date_of_birth AS dob, count(x) AS seen
  ORDER BY seen DESC, dob
  RETURN head(collect(dob)) AS date_of_birth
}
OPTIONAL MATCH (c)-[:HAS_REQUEST]->(r:CaseRequest) WHERE r.reviewed_at IS NULL
WITH c, rank, alerts, person, date_of_birth, head(collect(DISTINCT address.line)) AS address,
     count(DISTINCT r) AS pending_requests
RETURN c {.*, alerts: alerts, date_of_birth: date_of_birth, pending_requests: pending_requests,
          subject_name: CASE
            WHEN person IS NOT NULL THEN trim(coalesce(person.first_name, '') + ' ' + coalesce(person.last_name, ''))
            WHEN address IS NOT NULL THEN 'Household at ' + address
          END} AS case
ORDER BY rank, c.last_activity DESC, c.case_id
