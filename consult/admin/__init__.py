"""Administration: staff accounts and roles, the audit log."""
