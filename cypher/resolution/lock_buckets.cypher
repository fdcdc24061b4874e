// Real-time: write-lock the lock nodes of blocking-key buckets, in the order given (sorted,
// so that two resolutions never wait for each other in a cycle). A bucket's node is made
// on first use; the unique constraint (schema/22_resolution_locks) keeps it one node even
// when two transactions make it at once. Setting and removing a property takes the lock
// and leaves nothing behind.
UNWIND $buckets AS bucket
MERGE (l:ResolutionLock {bucket: bucket})
SET l._lock = true
REMOVE l._lock
