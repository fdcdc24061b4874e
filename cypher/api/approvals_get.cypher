MATCH (r:ApprovalRequest {request_id: $request_id})
RETURN r {.request_id, .kind, .status, .requested_by, .params, .decided_by, .reason,
          requested_at: toString(r.requested_at), decided_at: toString(r.decided_at)} AS request
