// A script that emits events and simply ends, without tracker.close(): Node exits
// when nothing is left to do, so every line must be on disk by then.
// argv: <tracking.log> <events>
const { createTracker, edxDefaults } = require('eventtracking');

const [trackingLog, count] = process.argv.slice(2);
const tracker = createTracker(edxDefaults({ trackingLog }));
for (let i = 0; i < Number(count); i++) tracker.emit('app.script', { i });
