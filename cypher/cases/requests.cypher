// Partner requests on a case ("ask the MASH to review"), oldest first.
MATCH (:Case {case_id: $case_id})-[:HAS_REQUEST]->(r:CaseRequest)
RETURN r {.*} AS request
ORDER BY r.at, r.request_id
