// express4 is Express 4 installed under an npm alias; it has no types of its own.
// Express 5's types cover everything these tests use of it.
declare module 'express4' {
  import express = require('express');
  export = express;
}
