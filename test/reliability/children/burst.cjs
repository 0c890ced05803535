// Emits events through edxDefaults (tracking.log) as fast as it can, forever, with
// payloads of mixed sizes (some 20-40 KB, so that a batch often spans several
// write(2) calls), until it is killed. Sends { started: true } once the first lines
// are on disk.
// argv: <tracking.log>
const { statSync } = require('node:fs');
const { createTracker, edxDefaults } = require('eventtracking');

const [trackingLog] = process.argv.slice(2);
const tracker = createTracker(edxDefaults({ trackingLog }));
let seq = 0;
let announced = false;
const turn = () => {
  tracker.context('edx.request', { user_id: 42, username: 'alice', session: 'abc', ip: '10.0.0.1', path: '/burst' }, () => {
    for (let i = 0; i < 200; i++) {
      const size = seq % 50 === 0 ? 20000 + (seq % 7) * 3000 : (seq % 13) * 40;
      tracker.emit('app.burst', { seq, text: 'é'.repeat(size), nested: { list: [seq, String(seq), { deep: true }] } });
      seq++;
    }
  });
  if (!announced) {
    try {
      if (statSync(trackingLog).size > 0) {
        announced = true;
        process.send({ started: true });
      }
    } catch {
      // not yet
    }
  }
  setImmediate(turn);
};
setImmediate(turn);
