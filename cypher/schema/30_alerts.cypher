// Alerts, their history and the watch list (issue 6).
CREATE CONSTRAINT alert_id IF NOT EXISTS
FOR (a:Alert) REQUIRE a.alert_id IS UNIQUE;

CREATE INDEX alert_status IF NOT EXISTS
FOR (a:Alert) ON (a.status);

CREATE INDEX alert_subject IF NOT EXISTS
FOR (a:Alert) ON (a.subject_id);

CREATE CONSTRAINT watch_entry_id IF NOT EXISTS
FOR (w:WatchEntry) REQUIRE w.watch_id IS UNIQUE;

CREATE INDEX watch_entry_active IF NOT EXISTS
FOR (w:WatchEntry) ON (w.active);

CREATE CONSTRAINT alert_rule_subject IF NOT EXISTS
FOR (a:Alert) REQUIRE (a.rule, a.subject_type, a.subject_id) IS UNIQUE;
