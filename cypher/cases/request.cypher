// A partner asks the MASH to review a person: the request joins the person's case, or opens
// one (no alert yet: no RAG); a closed case re-opens, with a transition.
MATCH (p:Person {person_id: $person_id})
MERGE (c:Case {subject_type: 'person', subject_id: $person_id})
  ON CREATE SET c.case_id = $case_id, c.status = 'new', c.opened_at = datetime(), c.opened_by = $by,
                c.rules = [], c.open_alerts = 0, c.score = 0.0
WITH c, c.status AS previous
SET c.status = CASE WHEN previous IN $closed THEN 'new' ELSE previous END, c.updated_at = datetime()
CREATE (c)-[:HAS_REQUEST]->(:CaseRequest {request_id: $request_id, case_id: c.case_id, organisation: $organisation,
                                          by: $by, reason: $reason, at: datetime()})
CREATE (c)-[:HAS_TRANSITION]->(:CaseTransition {case_id: c.case_id, action: 'partner_request', from: previous,
                                                to: c.status, by: $by, at: datetime(),
                                                reason: 'Review asked for by ' + $organisation})
RETURN c.case_id AS case_id
