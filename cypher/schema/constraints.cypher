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

CREATE INDEX event_date IF NOT EXISTS
FOR (e:Event) ON (e.date);

// No query reads Record.last_name, Address.postcode or Event.type through an index (EXPLAIN of
// every statement under cypher/ and of the composed alert rules): person search goes through
// the record_names full-text index, and every test of e.type follows a traversal or is a
// `$types IS NULL OR ...` or `NOT ... IN` test that no seek can serve. Yet every write paid
// for their entries (about 5 % of Neo4j's CPU on a first load, docs/benchmarks.md, Ingest),
// so they are dropped where they exist.
DROP INDEX record_last_name IF EXISTS;

DROP INDEX address_postcode IF EXISTS;

DROP INDEX event_type IF EXISTS;
