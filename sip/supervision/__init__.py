"""Live supervision in the operator's telephony service: grants checked, the lead's call mixed."""
