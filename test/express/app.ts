// Express helpers of the framework-free suites left in this folder (server_track,
// task_track, the browser script). The middleware suites, run on Express and Koa, are
// in test/middleware, with their helpers in test/http.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export { REQUEST_KEYS, SECRET_KEY } from '../http/helpers';

/** A middleware setting `req.user`, as an auth middleware (Passport) does. */
export function withUser(user: unknown): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // Cast through unknown: with Passport's types loaded, `req.user` is typed Express.User.
    (req as unknown as { user?: unknown }).user = user;
    next();
  };
}
