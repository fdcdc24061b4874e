// The same anchor, signed with the key of a new AIM_JWT_SECRET.
MATCH (c:AuditChain {name: $chain}) WHERE c.anchor_seq = $seq AND c.anchor_hash = $hash
SET c.anchor_signature = $signature
