import type { ServiceConfig } from './travel-service';

export const HOTEL_NIGHT_CENTS = 12_000;
export const FLIGHT_CENTS = 25_000;
export const CAR_DAY_CENTS = 4_500;

export const hotel: ServiceConfig = {
  step: 'hotel',
  prefix: 'HTL',
  doneStatus: 'BOOKED',
  undoneStatus: 'CANCELLED',
  priceCents: ({ trip }) => trip.nights * HOTEL_NIGHT_CENTS,
};

export const flight: ServiceConfig = {
  step: 'flight',
  prefix: 'FLT',
  doneStatus: 'BOOKED',
  undoneStatus: 'CANCELLED',
  priceCents: () => FLIGHT_CENTS,
};

export const car: ServiceConfig = {
  step: 'car',
  prefix: 'CAR',
  doneStatus: 'BOOKED',
  undoneStatus: 'CANCELLED',
  // Picked up on arrival, returned on departure day.
  priceCents: ({ trip }) => (trip.nights + 1) * CAR_DAY_CENTS,
};

export const payment: ServiceConfig = {
  step: 'payment',
  prefix: 'PAY',
  doneStatus: 'CHARGED',
  undoneStatus: 'REFUNDED',
  priceCents: ({ amountCents }) => {
    if (!Number.isInteger(amountCents) || (amountCents as number) <= 0) {
      throw new TypeError('payment needs a positive whole amountCents');
    }
    return amountCents as number;
  },
};
