import { singlePurposeHandler } from './single-purpose';

export const handler = singlePurposeHandler('multiply');
