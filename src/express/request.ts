import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The parts of an Express request (4 or 5) that eventtracking reads. Declared here so
 * that using the adapter does not require Express's own types.
 */
export interface ExpressRequest extends IncomingMessage {
  originalUrl?: string;
  protocol?: string;
  /** The client's address as the app's `trust proxy` setting computes it. */
  ip?: string;
  body?: unknown;
  /** The user Passport (or other auth middleware) set. */
  user?: unknown;
  /** Passport's `req.isAuthenticated()`: its presence says an authentication layer ran. */
  isAuthenticated?: unknown;
  sessionID?: string;
  session?: { id?: string } | null;
  /** express-session's store, which it sets on every request it handles. */
  sessionStore?: unknown;
}

/** An Express `next` callback. */
export type NextFunction = (error?: unknown) => void;

/** An Express middleware or handler. */
export type ExpressHandler = (req: ExpressRequest, res: ServerResponse, next: NextFunction) => void;
