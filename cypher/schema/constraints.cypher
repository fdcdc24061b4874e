// The AIM graph schema. `aim db migrate` runs every statement; each is idempotent.
// Natural keys are unique so that MERGE on them never duplicates a node.
CREATE CONSTRAINT organisation_code IF NOT EXISTS
FOR (o:Organisation) REQUIRE o.code IS UNIQUE;

CREATE CONSTRAINT record_natural_key IF NOT EXISTS
FOR (r:Record) REQUIRE (r.source, r.source_record_id) IS UNIQUE;

CREATE CONSTRAINT address_key IF NOT EXISTS
FOR (a:Address) REQUIRE a.key IS UNIQUE;

CREATE CONSTRAINT event_natural_key IF NOT EXISTS
FOR (e:Event) REQUIRE (e.source, e.event_id) IS UNIQUE;

CREATE CONSTRAINT person_id IF NOT EXISTS
FOR (p:Person) REQUIRE p.person_id IS UNIQUE;

CREATE CONSTRAINT household_id IF NOT EXISTS
FOR (h:Household) REQUIRE h.household_id IS UNIQUE;

CREATE INDEX record_date_of_birth IF NOT EXISTS
FOR (r:Record) ON (r.date_of_birth);

CREATE INDEX record_last_name IF NOT EXISTS
FOR (r:Record) ON (r.last_name);

CREATE INDEX address_postcode IF NOT EXISTS
FOR (a:Address) ON (a.postcode);

CREATE INDEX event_date IF NOT EXISTS
FOR (e:Event) ON (e.date);

CREATE INDEX event_type IF NOT EXISTS
FOR (e:Event) ON (e.type);
