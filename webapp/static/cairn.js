// Cairn's only script: small progressive enhancements (pages work without it). No inline scripts: CSP forbids them.

// Theme: "auto" follows prefers-color-scheme; "light" or "dark" (chosen with the header's button) is kept in
// localStorage and set as <html data-theme>, at once when this script runs, before the first paint where possible.
var cairnThemes = ['auto', 'light', 'dark'];
function cairnTheme() {
  try { var t = window.localStorage.getItem('cairn-theme'); return cairnThemes.indexOf(t) > 0 ? t : 'auto'; }
  catch (e) { return 'auto'; }
}
function cairnApplyTheme(t) {
  var root = document.documentElement;
  if (t === 'auto') { delete root.dataset.theme; } else { root.dataset.theme = t; }
  // highlight.js style sheets are chosen by media query: follow the choice
  document.querySelectorAll('link[rel=stylesheet][media*="prefers-color-scheme"], link[data-scheme]').forEach(function (l) {
    if (!l.dataset.scheme) { l.dataset.scheme = l.media.indexOf('dark') >= 0 ? 'dark' : 'light'; l.dataset.media = l.media; }
    l.media = t === 'auto' ? l.dataset.media : (l.dataset.scheme === t ? 'all' : 'not all');
  });
}
cairnApplyTheme(cairnTheme());
document.addEventListener('DOMContentLoaded', function () {
  var who = document.querySelector('header.top .who');
  if (who) {
    var tb = document.createElement('button');
    tb.type = 'button';
    tb.id = 'theme';
    tb.className = 'theme';
    var label = function () { tb.textContent = 'Theme: ' + cairnTheme(); };
    label();
    tb.addEventListener('click', function () {
      var next = cairnThemes[(cairnThemes.indexOf(cairnTheme()) + 1) % cairnThemes.length];
      try { window.localStorage.setItem('cairn-theme', next); } catch (e) { /* private mode: this page only */ }
      cairnApplyTheme(next);
      tb.textContent = 'Theme: ' + next;
    });
    who.appendChild(tb);
  }
  document.querySelectorAll('button.copy').forEach(function (b) {
    b.addEventListener('click', function () {
      var field = document.getElementById(b.dataset.copy);
      if (field && navigator.clipboard) { navigator.clipboard.writeText(field.value); b.textContent = 'Copied'; }
    });
  });
  if (window.hljs) {
    document.querySelectorAll('pre.code code:not(.nohighlight)').forEach(function (c) { window.hljs.highlightElement(c); });
  }
  var compare = document.getElementById('compare-form');
  if (compare) {
    compare.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var org = document.getElementById('org').value, other = document.getElementById('other').value;
      window.location = compare.action + '/' + encodeURIComponent(org).replace(/%40/g, '@').replace(/%2F/g, '/')
        + '...' + encodeURIComponent(other).replace(/%40/g, '@').replace(/%2F/g, '/');
    });
  }
  // an import running in the background (/_admin/repos/import/{id}): poll its status until it ends
  var imp = document.getElementById('import');
  if (imp && (imp.dataset.state === 'queued' || imp.dataset.state === 'running')) {
    var byId = function (id) { return document.getElementById(id); };
    byId('import-refresh').hidden = true;
    var showImport = function (j) {
      imp.dataset.state = j.state;
      var bar = byId('import-progress');
      if (j.state === 'done') { bar.max = 100; bar.value = 100; }
      else if (j.percent >= 0) { bar.max = 100; bar.value = j.percent; }
      else { bar.removeAttribute('value'); }
      bar.hidden = j.state === 'failed';
      byId('import-state').textContent = j.stateText;
      byId('import-line').textContent = j.line;
      var log = byId('import-log');
      log.textContent = '';
      j.log.forEach(function (l) { var li = document.createElement('li'); li.textContent = l; log.appendChild(li); });
      byId('import-error').textContent = j.error;
      byId('import-error').hidden = j.state !== 'failed';
      byId('import-again').hidden = j.state !== 'failed';
      byId('import-done').hidden = j.state !== 'done';
    };
    var pollImport = function () {
      fetch(imp.dataset.status, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
        .then(function (j) {
          showImport(j);
          if (j.state === 'queued' || j.state === 'running') { window.setTimeout(pollImport, 500); }
        })
        .catch(function () { byId('import-refresh').hidden = false; });
    };
    window.setTimeout(pollImport, 250);
  }
  var filter = document.getElementById('filter');
  if (filter) {
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      document.querySelectorAll('table.repos tbody tr').forEach(function (tr) {
        tr.hidden = q && tr.dataset.name.toLowerCase().indexOf(q) < 0;
      });
    });
  }
});
