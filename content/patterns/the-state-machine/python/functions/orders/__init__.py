"""The three order functions the workflow calls, and the shapes they share."""
