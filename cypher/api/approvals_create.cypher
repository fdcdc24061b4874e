// A request that waits for a second person's approval (four eyes). A new user's password
// travels only as its hash, and only until the request is decided.
CREATE (r:ApprovalRequest {
  request_id: $request_id, kind: $kind, status: 'pending', requested_by: $requested_by,
  requested_at: datetime(), params: $params, password_hash: $password_hash
})
RETURN r {.request_id, .kind, .status, .requested_by, .params, requested_at: toString(r.requested_at)} AS request
