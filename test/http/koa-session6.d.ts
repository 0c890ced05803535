// koa-session 6 (the version most Koa 2 apps run), installed as `koa-session6`: its default export makes the middleware.
declare module 'koa-session6' {
  import type Koa from 'koa';
  function session(options: Record<string, unknown>, app: Koa): Koa.Middleware;
  export = session;
}
