import express, { type NextFunction, type Request, type Response } from 'express';
import { answer, OPERATIONS, type Query } from './calculator';

/**
 * The whole API as an ordinary Express 5 app. Routing, 404s and error handling live
 * here, not in API Gateway, which is what makes this a Lambda-lith.
 */
export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');

  for (const operation of OPERATIONS) {
    app.get(`/${operation}`, (req: Request, res: Response) => {
      const { statusCode, body } = answer(operation, req.query as Query);
      res.status(statusCode).json(body);
    });
  }

  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `No route for ${req.method} ${req.path}.` });
  });
  app.use(handleError);
  return app;
}

/** Express 5 forwards thrown errors and rejected promises here; the cause goes to the logs, not the caller. */
export function handleError(error: unknown, req: Request, res: Response, next: NextFunction): void {
  // Once a response has started, only Express's own handler can end it cleanly.
  if (res.headersSent) return next(error);
  console.error(JSON.stringify({ level: 'ERROR', message: 'request failed', path: req.path, error: String(error) }));
  res.status(500).json({ message: 'Something went wrong.' });
}
