"""The calculator behind all three stacks of the trilogy, and the three ways of packaging it for Lambda."""
