/** How many events the page keeps, and how many matching rows it draws (the newest). */
const PAGE_LIMITS = { keep: 10000, draw: 300 };

/**
 * The viewer page: one HTML document with its style and script inline. It reads the
 * stream beside it (`stream`, server-sent events), keeps the latest {@link PAGE_LIMITS}.keep
 * events and draws the newest matching rows, at most once per animation frame, so it
 * stays responsive however fast events come.
 */
export function viewerPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Event viewer</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;display:grid;grid-template-rows:auto 1fr;height:100vh}
header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.5rem 1rem;background:#f4f5f7;border-bottom:1px solid #ddd}
header h1{font-size:1rem;margin:0 1rem 0 0}input,select,button{font:inherit}
.panes{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);min-height:0}
.list{overflow:auto}table{border-collapse:collapse;width:100%}th,td{padding:.2rem .5rem;border-bottom:1px solid #eee;text-align:left;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:18rem}
tbody tr{cursor:pointer}tbody tr:hover{background:#eef3ff}tr.selected{background:#dce7ff}
.badge{background:#c62828;color:#fff;border-radius:.6rem;padding:0 .45rem;font-size:12px}
#detail{overflow:auto;padding:.5rem 1rem;border-left:1px solid #ddd}pre{font-size:12px;white-space:pre-wrap;word-break:break-word}
#status{color:#555}
</style>
</head>
<body>
<header>
<h1>Event viewer</h1>
<label>Name <input id="filter-name" placeholder="contains"></label>
<label>User <input id="filter-user" placeholder="username or id"></label>
<label>Course <input id="filter-course" placeholder="contains"></label>
<label>Source <select id="filter-source"><option value="">any</option><option>server</option><option>browser</option><option>mobile</option><option>job</option></select></label>
<button id="pause" type="button">Pause</button>
<span id="status">Connecting…</span>
</header>
<div class="panes">
<div class="list"><table id="rows"><thead><tr><th>#</th><th>Time</th><th>Name</th><th>User</th><th>Course</th><th>Source</th><th></th></tr></thead><tbody></tbody></table></div>
<div id="detail"><p>Click an event to see it whole.</p></div>
</div>
<script>
(function () {
  var KEEP = ${PAGE_LIMITS.keep}, DRAW = ${PAGE_LIMITS.draw};
  var events = [], pending = [], paused = false, lastId = 0, selected = null, scheduled = false;
  var $ = function (id) { return document.getElementById(id); };
  var tbody = document.querySelector('#rows tbody');
  var filters = ['name', 'user', 'course', 'source'].map(function (f) { return $('filter-' + f); });
  var escape = function (text) { return String(text).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
  function trim(list) { if (list.length > KEEP * 1.1) list.splice(0, list.length - KEEP); }
  function matches(e, f) {
    return (!f.name || e.name.toLowerCase().indexOf(f.name) >= 0) && (!f.user || e.user.toLowerCase() === f.user) &&
      (!f.course || e.course.toLowerCase().indexOf(f.course) >= 0) && (!f.source || e.source === f.source);
  }
  function draw() {
    scheduled = false;
    if (events.length > KEEP) events.splice(0, events.length - KEEP);
    var f = { name: filters[0].value.trim().toLowerCase(), user: filters[1].value.trim().toLowerCase(), course: filters[2].value.trim().toLowerCase(), source: filters[3].value };
    var html = [], shown = 0, matching = 0;
    for (var i = events.length - 1; i >= 0; i--) {
      var e = events[i];
      if (!matches(e, f)) continue;
      matching++;
      if (shown >= DRAW) continue;
      shown++;
      var time = e.event && e.event.timestamp ? String(e.event.timestamp).slice(11, 23) : '';
      var badge = e.problems.length ? '<span class="badge" title="' + escape(e.problems.map(function (p) { return (p.path || '(payload)') + ' ' + p.message; }).join('; ')) + '">fails definition</span>' : '';
      html.push('<tr data-id="' + e.id + '"' + (e.id === selected ? ' class="selected"' : '') + '><td>' + e.id + '</td><td>' + escape(time) + '</td><td>' + escape(e.name) + '</td><td>' + escape(e.user) + '</td><td>' + escape(e.course) + '</td><td>' + escape(e.source) + '</td><td>' + badge + '</td></tr>');
    }
    tbody.innerHTML = html.join('');
    $('status').textContent = events.length + ' events · ' + matching + ' matching' + (matching > shown ? ' · newest ' + shown + ' shown' : '') + (paused ? ' · paused, ' + pending.length + ' new' : '');
  }
  function schedule() { if (!scheduled) { scheduled = true; requestAnimationFrame(draw); } }
  var source = new EventSource(location.pathname.replace(/\\/?$/, '/') + 'stream');
  source.onmessage = function (message) {
    var e = JSON.parse(message.data);
    if (e.id <= lastId) return;
    lastId = e.id;
    if (paused) { pending.push(e); trim(pending); } else { events.push(e); trim(events); }
    schedule();
  };
  source.onopen = schedule;
  source.onerror = function () { $('status').textContent = 'Disconnected: retrying…'; };
  filters.forEach(function (input) { input.addEventListener('input', schedule); });
  $('pause').addEventListener('click', function () {
    paused = !paused;
    this.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) { events = events.concat(pending); pending = []; }
    schedule();
  });
  tbody.addEventListener('click', function (click) {
    var row = click.target.closest('tr');
    if (!row) return;
    selected = Number(row.dataset.id);
    var e = events.filter(function (x) { return x.id === selected; })[0];
    if (!e) return;
    var problems = e.problems.length ? '<h3>Fails its definition</h3><ul class="problems">' + e.problems.map(function (p) { return '<li><code>' + escape(p.path || '(payload)') + '</code> ' + escape(p.message) + '</li>'; }).join('') + '</ul>' : '';
    $('detail').innerHTML = '<h2>' + escape(e.name) + '</h2>' + problems + '<pre id="detail-json">' + escape(JSON.stringify(e.event, null, 2)) + '</pre>';
    schedule();
  });
})();
</script>
</body>
</html>
`;
}
