import { createHandler, summariseFailure } from './results';

// A real system might alert, open a ticket or park the input for replay; the demo logs it.
export const handler = createHandler(summariseFailure, (line) => console.warn(JSON.stringify(line)));
