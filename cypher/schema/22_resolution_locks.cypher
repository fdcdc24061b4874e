// Real-time resolution locks the buckets of a record's blocking keys (one node per bucket,
// made on first use by MERGE): unique, so that concurrent MERGEs make one node.
CREATE CONSTRAINT resolution_lock_bucket IF NOT EXISTS
FOR (l:ResolutionLock) REQUIRE l.bucket IS UNIQUE;
