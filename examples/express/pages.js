// The demo's HTML. Every page loads the browser Logger as a classic script
// (/eventtracking.js, served by browserScriptHandler); the course page sends
// browser events with Logger.log in Open edX's wire format and lists them.
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// A value for an inline <script>: JSON that cannot close the script element.
const scriptValue = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

function layout(user, body) {
  const who = user ? `Signed in as <b>${escape(user.username)}</b>` : '<a href="/login?user=alice">Sign in as alice</a>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Demo course site</title>
<style>body{font-family:sans-serif;max-width:44rem;margin:2rem auto}button{margin:.2rem}#sent li{font-family:monospace}#status{color:#036}</style>
<script src="/eventtracking.js"></script>
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
<p id="status">Video not started</p>
<h2>Events this page sent</h2><ol id="sent"></ol>
<script>
  // Open edX templates set the course run of the page in this global; Logger.log sends it as courserun_key.
  var $$course_id = ${scriptValue(courseId)};
  // page_close when the visitor leaves (sent with navigator.sendBeacon).
  Logger.bind();
  // Other scripts can watch what is logged; here the status line follows the video events.
  Logger.listen('play_video', null, function (eventType, data) {
    document.getElementById('status').textContent = 'Playing ' + data.id + ' (heard by Logger.listen)';
  });
  Logger.listen('pause_video', null, function (eventType, data) {
    document.getElementById('status').textContent = 'Paused ' + data.id + ' at ' + data.currentTime + 's (heard by Logger.listen)';
  });
  document.querySelectorAll('button[data-event]').forEach(function (button) {
    button.addEventListener('click', function () {
      var eventType = button.dataset.event;
      var item = document.createElement('li');
      item.textContent = eventType + ' … sending';
      document.getElementById('sent').appendChild(item);
      // log() never rejects: it resolves with the server's Response (status 0 if the network failed).
      Logger.log(eventType, JSON.parse(button.dataset.payload)).then(function (response) {
        item.dataset.status = String(response.status);
        item.textContent = eventType + ' → ' + (response.status ? response.status + ' ' + response.statusText : 'not sent (network error)');
      });
    });
  });
</script>`);
}

module.exports = { renderCoursePage, renderHome };
