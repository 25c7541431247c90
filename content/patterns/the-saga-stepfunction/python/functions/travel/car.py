from .services import car
from .travel_service import lambda_handler_for

handler = lambda_handler_for(car)
