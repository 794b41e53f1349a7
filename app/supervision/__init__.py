"""Live supervision: grants (signed by the server, checked by the operator's telephony service)."""
