import serverlessExpress from '@codegenie/serverless-express';
import { createApp } from './lith-app';

// Built once per execution environment; warm invocations reuse the same app.
export const handler = serverlessExpress({ app: createApp() });
