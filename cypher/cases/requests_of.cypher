// One organisation's own requests about a person, with only when each was made and when
// the MASH reviewed it (never the case, its notes or other agencies' requests).
MATCH (:Case {subject_type: 'person', subject_id: $person_id})-[:HAS_REQUEST]->(r:CaseRequest)
WHERE r.organisation = $organisation
RETURN r.at AS asked_at, r.reviewed_at AS reviewed_at
ORDER BY r.at
