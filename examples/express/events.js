// The events the demo emits, declared once: their payload schemas check what the demo
// emits in development, and `eventtracking docs examples/express/events.js` writes their
// reference (docs/demo-events.md is that output).
const { defineEvent, registerEvents, Type } = require('eventtracking/events');

const COURSE_ID = Type.String({ description: 'The course run key, e.g. course-v1:edX+DemoX+Demo_2014.' });

const login = defineEvent({
  name: 'edx.user.login',
  description: 'A visitor signed in. Emitted by the login view once the session belongs to the user.',
  owner: 'demo: accounts',
  data: Type.Object({ username: Type.String({ description: 'The username the visitor signed in as.' }) }),
  example: { username: 'alice' },
  emittedFrom: ['server'],
  legacyName: true,
});

const enrollmentActivated = defineEvent({
  name: 'edx.course.enrollment.activated',
  description: 'A learner enrolled in a course run (the Enroll button of the course page).',
  owner: 'demo: enrollments',
  data: Type.Object({
    course_id: COURSE_ID,
    mode: Type.Union([Type.Literal('audit'), Type.Literal('verified')], { description: 'The enrollment track.' }),
  }),
  example: { course_id: 'course-v1:edX+DemoX+Demo_2014', mode: 'audit' },
  emittedFrom: ['server'],
});

const videoFields = {
  id: Type.String({ description: 'The video block.' }),
  currentTime: Type.Number({ minimum: 0, description: 'The position in the video, in seconds.' }),
  code: Type.Optional(Type.String({ description: "The player: 'html5' or a YouTube id." })),
};

const playVideo = defineEvent({
  name: 'play_video',
  description: 'A learner started a video (the Play video button). Sent by the browser Logger to /event.',
  owner: 'demo: video',
  data: Type.Object(videoFields),
  example: { id: 'intro-video', currentTime: 0, code: 'html5' },
  emittedFrom: ['browser'],
  exampleContext: { course_id: 'course-v1:edX+DemoX+Demo_2014' },
  legacyName: true,
});

const pauseVideo = defineEvent({
  name: 'pause_video',
  description: 'A learner paused a video (the Pause video button). Sent by the browser Logger to /event.',
  owner: 'demo: video',
  data: Type.Object(videoFields),
  example: { id: 'intro-video', currentTime: 12.5, code: 'html5' },
  emittedFrom: ['browser'],
  exampleContext: { course_id: 'course-v1:edX+DemoX+Demo_2014' },
  legacyName: true,
});

const events = registerEvents([login, enrollmentActivated, playVideo, pauseVideo]);

module.exports = { events };
