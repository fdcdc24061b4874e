// Alerts for the alert screen: optionally only these statuses / this subject, highest score
// first, each with its subject's display name (a person's name, a household's address).
MATCH (a:Alert)
WHERE ($statuses IS NULL OR a.status IN $statuses)
  AND ($subject_id IS NULL OR a.subject_id = $subject_id)
WITH a
ORDER BY a.score DESC, a.last_updated DESC, a.alert_id
LIMIT $limit
OPTIONAL MATCH (a)-[:CONCERNS]->(person:Person)
OPTIONAL MATCH (a)-[:CONCERNS]->(:Household)-[:AT]->(address:Address)
WITH a, person, head(collect(address.line)) AS address
RETURN a {.*, subject_name: CASE
         WHEN person IS NOT NULL THEN trim(coalesce(person.first_name, '') + ' ' + coalesce(person.last_name, ''))
         WHEN address IS NOT NULL THEN 'Household at ' + address
       END} AS alert
ORDER BY a.score DESC, a.last_updated DESC, a.alert_id
