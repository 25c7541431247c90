"""The four bookings of a trip, in the order the saga makes them.

Kept apart from the handler code so the CDK app can read it without the AWS SDK installed.
"""

STEPS = ("hotel", "flight", "car", "payment")
