// Who lived where and when: per (address, live person) the first and last dates any of
// the person's records gave the address, and the person's surname.
MATCH (a:Address)<-[l:LIVES_AT]-(:Record)<-[:HAS_RECORD]-(p:Person)
WHERE a.line IS NOT NULL AND a.line <> ''
RETURN a.key AS address, a.shared AS shared, a.shared_reason AS reason,
       p.person_id AS person_id, p.last_name AS last_name,
       toString(min(l.first_seen)) AS first_seen, toString(max(l.last_seen)) AS last_seen
