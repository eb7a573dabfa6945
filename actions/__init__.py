"""Custom actions of the aftercare assistant, and the plain-Python rules they call."""
