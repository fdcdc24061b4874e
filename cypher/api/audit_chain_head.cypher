// The audit chain's head: last position and hash, and the signed anchor left by retention.
MATCH (c:AuditChain {name: $chain})
RETURN c {.seq, .head, .anchor_seq, .anchor_hash, .anchor_signature} AS head
