// Resolution in the graph (docs/resolution-in-the-graph.md). Every statement is idempotent.
// Blocking keys of each record, one property per rule, so that a new record finds its
// candidates by equality lookups on range indexes.
CREATE INDEX record_bk_dob_l IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_l);

CREATE INDEX record_bk_dob_f IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_f);

CREATE INDEX record_bk_names IF NOT EXISTS FOR (r:Record) ON (r.bk_names);

CREATE INDEX record_bk_dob_i IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_i);

CREATE INDEX record_bk_dob_pc IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_pc);

CREATE INDEX record_bk_pc_l IF NOT EXISTS FOR (r:Record) ON (r.bk_pc_l);

CREATE INDEX record_bk_pc_h IF NOT EXISTS FOR (r:Record) ON (r.bk_pc_h);

CREATE INDEX record_bk_ny_yob IF NOT EXISTS FOR (r:Record) ON (r.bk_ny_yob);

CREATE INDEX person_status IF NOT EXISTS FOR (p:Person) ON (p.status);

CREATE INDEX household_status IF NOT EXISTS FOR (h:Household) ON (h.status);

CREATE INDEX address_shared IF NOT EXISTS FOR (a:Address) ON (a.shared);

CREATE CONSTRAINT resolution_event_id IF NOT EXISTS
FOR (e:ResolutionEvent) REQUIRE e.event_id IS UNIQUE;

CREATE INDEX resolution_event_at IF NOT EXISTS FOR (e:ResolutionEvent) ON (e.at);

CREATE CONSTRAINT resolution_model_version IF NOT EXISTS
FOR (m:ResolutionModel) REQUIRE m.model_version IS UNIQUE;

// The review queue reads SIMILAR pairs by band ('review' or 'link').
CREATE INDEX similar_band IF NOT EXISTS FOR ()-[s:SIMILAR]-() ON (s.band);
