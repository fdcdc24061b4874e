// The analyst workspace's alerts: every Alert about one kind of subject ($subject_type) whose
// rule, RAG and date first raised match (null: any), with what the workspace filters and
// groups by: the subject's postcode (its current household's address; for a person with
// none, their latest record's), that household's size, the dates of birth of the person or
// of the household's current members, and the organisations whose events are its evidence.
// The caller pseudonymises and bands all of it (aim.graph.access.policy) before anyone sees it.
MATCH (a:Alert {subject_type: $subject_type})
WHERE ($rules IS NULL OR a.rule IN $rules)
  AND ($rags IS NULL OR a.rag IN $rags)
  AND ($since IS NULL OR date(a.first_raised) >= $since)
  AND ($before IS NULL OR date(a.first_raised) < $before)
OPTIONAL MATCH (a)-[:CONCERNS]->(subject)
CALL (subject) {
  OPTIONAL MATCH (subject)-[m:MEMBER_OF]->(own:Household)
  WHERE m.to IS NULL
  WITH subject, own ORDER BY m.from DESC
  WITH subject, head(collect(own)) AS own
  RETURN CASE WHEN subject:Household THEN subject ELSE own END AS home
}
CALL (home) {
  OPTIONAL MATCH (home)-[:AT]->(address:Address)
  RETURN head(collect(address.postcode)) AS home_postcode
}
CALL (home) {
  OPTIONAL MATCH (member:Person)-[m:MEMBER_OF]->(home)
  WHERE m.to IS NULL
  RETURN collect(member.date_of_birth) AS member_dobs
}
CALL (subject) {
  OPTIONAL MATCH (subject:Person)-[:HAS_RECORD]->(r:Record)-[:LIVES_AT]->(address:Address)
  WITH address ORDER BY r.last_seen DESC
  RETURN head(collect(address.postcode)) AS record_postcode
}
CALL (a) {
  OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
  OPTIONAL MATCH (o:Organisation {code: e.source})
  RETURN collect(DISTINCT coalesce(o.name, e.source)) AS agencies
}
RETURN a.rule AS rule, a.title AS title, a.rag AS rag, a.status AS status, a.first_raised AS first_raised,
       a.subject_type AS subject_type, a.subject_id AS subject_id,
       coalesce(home_postcode, record_postcode) AS postcode, home.member_count AS household_size,
       CASE WHEN subject:Household THEN member_dobs ELSE [subject.date_of_birth] END AS dates_of_birth,
       agencies
ORDER BY first_raised, rule, subject_id
