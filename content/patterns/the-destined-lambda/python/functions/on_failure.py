"""Handles the processor's on-failure records."""

from results import create_handler, log_summary, summarise_failure

# A real system might alert, open a ticket or park the input for replay; the demo logs it.
handler = create_handler(summarise_failure, log_summary)
