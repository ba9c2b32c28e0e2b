"""The synthetic portfolio generator and small example import files."""
