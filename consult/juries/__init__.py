"""Citizens' juries: registration pool, quotas, fair selection, invitations, tables."""
