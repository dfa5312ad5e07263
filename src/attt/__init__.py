"""ATTT: information-security compliance and incident response for Vietnamese organisations."""
