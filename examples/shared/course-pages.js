// The HTML of the Koa, Fastify and Hono demos, the same course site on each framework. The
// course page posts browser events to /event in Open edX's wire format (form-encoded
// event_type, event as JSON text, page, courserun_key) with fetch, so that the demos need no
// bundle; the Express demo shows the browser Logger.
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// A value for an inline <script>: JSON that cannot close the script element.
const scriptValue = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The pages of the demo on `framework` (a name for the title): `renderHome` and `renderCoursePage`. */
function coursePages(framework) {
  function layout(user, body) {
    const who = user ? `Signed in as <b>${escape(user.username)}</b>` : '<a href="/login?user=alice">Sign in as alice</a>';
    return `<!doctype html><html><head><meta charset="utf-8"><title>Demo course site (${escape(framework)})</title>
<style>body{font-family:sans-serif;max-width:44rem;margin:2rem auto}button{margin:.2rem}#sent li{font-family:monospace}</style>
</head><body><p>${who} · <a href="/">Home</a></p>${body}</body></html>`;
  }

  function renderHome(user, courseId) {
    return layout(user, `<h1>Courses</h1>
<ul><li><a href="/courses/${escape(courseId)}/courseware/">Demo course (${escape(courseId)})</a></li></ul>`);
  }

  function renderCoursePage(user, courseId) {
    return layout(user, `<h1>${escape(courseId)}</h1>
<form method="post" action="/courses/${escape(courseId)}/enroll"><button>Enroll</button></form>
<p>
  <button data-event="play_video" data-payload='{"id":"intro-video","currentTime":0,"code":"html5"}'>Play video</button>
  <button data-event="pause_video" data-payload='{"id":"intro-video","currentTime":12.5,"code":"html5"}'>Pause video</button>
</p>
<h2>Events this page sent</h2><ol id="sent"></ol>
<script>
  // Open edX templates set the course run of the page in this global.
  var $$course_id = ${scriptValue(courseId)};
  function logEvent(eventType, data) {
    var body = new URLSearchParams({ event_type: eventType, event: JSON.stringify(data), page: location.href, courserun_key: $$course_id });
    return fetch('/event', { method: 'POST', body: body }).then(function (response) {
      var item = document.createElement('li');
      item.textContent = eventType + ' → ' + response.status;
      document.getElementById('sent').appendChild(item);
    });
  }
  document.querySelectorAll('button[data-event]').forEach(function (button) {
    button.addEventListener('click', function () { logEvent(button.dataset.event, JSON.parse(button.dataset.payload)); });
  });
</script>`);
  }

  return { renderHome, renderCoursePage };
}

module.exports = { coursePages };
