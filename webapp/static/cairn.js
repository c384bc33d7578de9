// Cairn's only script: small progressive enhancements (pages work without it). No inline scripts: CSP forbids them.
document.addEventListener('DOMContentLoaded', function () {
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
