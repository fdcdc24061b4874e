// One batch of events older than the cutoff (not evidence of any alert), deleted; returns what went.
MATCH (e:Event) WHERE e.date < $cutoff AND NOT (e)<-[:EVIDENCE]-()
WITH e LIMIT $batch
WITH e, e.source AS source, e.event_id AS event_id, toString(e.date) AS date, e.type AS kind
DETACH DELETE e
RETURN source, event_id, date, kind
