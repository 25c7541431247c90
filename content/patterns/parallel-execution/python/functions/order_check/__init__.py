"""The two functions the order-check workflow calls, and the order shape they share."""
