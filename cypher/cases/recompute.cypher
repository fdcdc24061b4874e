// A case's summary from its alerts: RAG from the worst open alert (kept as it was once all
// are closed), the rules that fired, the latest evidence date. A closed case whose alerts
// the engine re-opened on new evidence (or that gained a new alert) re-opens; an open case
// whose alerts have all gone stale or closed for want of new activity (and no partner waits
// for a review) goes stale, then closed, with them. Each change is a transition by
// 'system'. `notify_red` marks a case that has just become Red, for the MASH's e-mail.
UNWIND $case_ids AS case_id
MATCH (c:Case {case_id: case_id})
OPTIONAL MATCH (c)-[:GATHERS]->(a:Alert)
OPTIONAL MATCH (a)-[:EVIDENCE]->(e:Event)
WITH c, a, max(e.date) AS latest
WITH c, collect(a) AS alerts, max(latest) AS last_activity
OPTIONAL MATCH (c)-[:HAS_REQUEST]->(r:CaseRequest) WHERE r.reviewed_at IS NULL
WITH c, alerts, last_activity, count(r) AS pending,
     [a IN alerts WHERE a.status IN $open] AS open, c.status AS previous, c.rag AS previous_rag
WITH c, alerts, last_activity, open, previous, previous_rag,
     previous IN $closed AND size(open) > 0 AS reopen,
     CASE WHEN size(open) = 0 AND pending = 0 AND (previous IN $open OR previous = 'stale')
            AND any(a IN alerts WHERE a.status IN ['stale', 'closed'])
          THEN CASE WHEN any(a IN alerts WHERE a.status = 'stale') THEN 'stale' ELSE 'closed' END
     END AS lapsed
WITH c, alerts, last_activity, open, previous, previous_rag, reopen,
     CASE WHEN lapsed <> previous THEN lapsed END AS lapsed,
     CASE WHEN any(a IN open WHERE a.rag = 'Red') THEN 'Red'
          WHEN any(a IN open WHERE a.rag = 'Amber') THEN 'Amber'
          WHEN size(open) > 0 THEN 'Green'
          ELSE c.rag END AS rag
SET c.rag = rag,
    c.score = reduce(top = 0.0, a IN open | CASE WHEN a.score > top THEN a.score ELSE top END),
    c.rules = [a IN alerts | a.rule],
    c.open_alerts = size(open),
    c.last_activity = last_activity,
    c.updated_at = datetime(),
    c.status = CASE WHEN reopen THEN 'new' ELSE coalesce(lapsed, c.status) END,
    c.notify_red = CASE WHEN rag = 'Red' AND (coalesce(previous_rag, '') <> 'Red' OR reopen) THEN true
                        WHEN rag <> 'Red' THEN false ELSE c.notify_red END
FOREACH (_ IN CASE WHEN reopen THEN [1] ELSE [] END |
  CREATE (c)-[:HAS_TRANSITION]->(:CaseTransition {case_id: c.case_id, action: 'reopen', from: previous, to: 'new',
                                                  by: 'system', at: datetime(),
                                                  reason: 'Re-opened: a rule fired on new evidence'}))
FOREACH (_ IN CASE WHEN lapsed IS NOT NULL AND NOT reopen THEN [1] ELSE [] END |
  CREATE (c)-[:HAS_TRANSITION]->(:CaseTransition {case_id: c.case_id, action: 'lapse', from: previous, to: lapsed,
                                                  by: 'system', at: datetime(),
                                                  reason: 'No open alert: no new activity since the rules fired'}))
