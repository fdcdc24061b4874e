// Retention removed the entries up to $seq: the chain verifies from this signed anchor on.
MATCH (c:AuditChain {name: $chain})
SET c.anchor_seq = $seq, c.anchor_hash = $hash, c.anchor_signature = $signature
