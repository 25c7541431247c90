from .single_purpose import single_purpose_handler

handler = single_purpose_handler("subtract")
