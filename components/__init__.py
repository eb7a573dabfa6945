"""Custom NLU components of the aftercare assistant."""
