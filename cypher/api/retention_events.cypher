// One batch of events older than the cutoff (not evidence of an alert still kept), deleted;
// counted per reporting organisation.
MATCH (e:Event) WHERE e.date < $cutoff AND NOT (e)<-[:EVIDENCE]-()
WITH e LIMIT $batch
WITH e, e.source AS source
DETACH DELETE e
RETURN source, count(*) AS removed
