import { createHandler, summariseSuccess } from './results';

export const handler = createHandler(summariseSuccess, (line) => console.log(JSON.stringify(line)));
