// Cases (issue 14): one case per subject, gathering its alerts; notes, transitions and
// partner requests hang off the case.
CREATE CONSTRAINT case_id IF NOT EXISTS
FOR (c:Case) REQUIRE c.case_id IS UNIQUE;

CREATE CONSTRAINT case_subject IF NOT EXISTS
FOR (c:Case) REQUIRE (c.subject_type, c.subject_id) IS UNIQUE;

CREATE INDEX case_status IF NOT EXISTS
FOR (c:Case) ON (c.status);

CREATE INDEX case_rag IF NOT EXISTS
FOR (c:Case) ON (c.rag);
