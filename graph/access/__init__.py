"""Who may use AIM and what they did: API users and their roles (:mod:`.users`), sessions
(token versions and sign-in lockouts, :mod:`.sessions`), requests awaiting a second person's
approval (:mod:`.approvals`), the audit trail written in the
transaction of every read of personal data (:mod:`.audit`)."""

from aim.graph import public_surface

__all__, __getattr__ = public_surface(__name__, {
    "ROLES": "users", "UserError": "users", "hash_password": "users", "create_user": "users",
    "get_user": "users", "list_users": "users", "read_users": "users", "set_disabled": "users",
    "set_password": "users",
    "authenticate": "users", "check_role": "users", "check_password_strength": "users", "write_user": "users",
    "write_role": "users",
    "create_request": "approvals", "read_request": "approvals", "read_requests": "approvals", "decide": "approvals",
    "LockoutPolicy": "sessions", "session_state": "sessions", "revoke_tokens": "sessions",
    "locked_until": "sessions", "record_failure": "sessions", "clear_failures": "sessions",
    "AuditContext": "audit", "AuditEntry": "audit", "write_entry": "audit", "query": "audit",
    "audited_read": "audit", "audited_write": "audit", "record": "audit",
})
