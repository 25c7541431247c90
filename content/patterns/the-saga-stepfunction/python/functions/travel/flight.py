from .services import flight
from .travel_service import lambda_handler_for

handler = lambda_handler_for(flight)
