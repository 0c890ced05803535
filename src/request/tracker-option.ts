import { option } from '../core/options';
import { Tracker } from '../core/tracker';

/** The `tracker` option of the middleware and the endpoints: a {@link Tracker}. */
export const trackerOption = option.instance<Tracker>('a Tracker', (value) => value instanceof Tracker);
