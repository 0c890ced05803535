// koa2 is Koa 2 installed under an npm alias; it has no types of its own.
// Koa 3's types (@types/koa) cover everything these tests use of it.
declare module 'koa2' {
  import Koa = require('koa');
  export = Koa;
}
