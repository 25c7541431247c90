"""Handles the processor's on-success records."""

from results import create_handler, log_summary, summarise_success

handler = create_handler(summarise_success, log_summary)
