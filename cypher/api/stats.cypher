// Aggregates for analysts: records and events per organisation and event type (no names).
MATCH (o:Organisation)
OPTIONAL MATCH (o)<-[:HELD_BY]-(r:Record)
WITH o, count(r) AS records
OPTIONAL MATCH (e:Event {source: o.code})
WHERE $since IS NULL OR e.date >= $since
WITH o, records, e.type AS kind, count(e) AS events
RETURN o.code AS organisation, records, collect(CASE WHEN kind IS NULL THEN null ELSE {kind: kind, events: events} END) AS events
ORDER BY organisation
