// Retention removes the entries up to $seq: the chain verifies from this signed anchor on.
// The anchor only moves forward.
MATCH (c:AuditChain {name: $chain}) WHERE coalesce(c.anchor_seq, 0) < $seq
SET c.anchor_seq = $seq, c.anchor_hash = $hash, c.anchor_signature = $signature
