import { type Pricing, priceOrder } from './orders';

// The workflow's first step: pure logic, no AWS calls, so its role may only log and trace.
export const handler = async (event: unknown): Promise<Pricing> => priceOrder(event);
