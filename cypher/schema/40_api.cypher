// The API: users, the audit trail and the full-text index behind person search.
CREATE CONSTRAINT user_username IF NOT EXISTS
FOR (u:User) REQUIRE u.username IS UNIQUE;

CREATE CONSTRAINT audit_entry_id IF NOT EXISTS
FOR (a:AuditEntry) REQUIRE a.entry_id IS UNIQUE;

CREATE CONSTRAINT audit_subject_id IF NOT EXISTS
FOR (s:AuditSubject) REQUIRE s.subject_id IS UNIQUE;

CREATE INDEX audit_entry_at IF NOT EXISTS
FOR (a:AuditEntry) ON (a.at);

CREATE INDEX audit_entry_username IF NOT EXISTS
FOR (a:AuditEntry) ON (a.username);

CREATE INDEX retention_run_at IF NOT EXISTS
FOR (r:RetentionRun) ON (r.at);

CREATE FULLTEXT INDEX record_names IF NOT EXISTS
FOR (r:Record) ON EACH [r.first_name, r.last_name];
