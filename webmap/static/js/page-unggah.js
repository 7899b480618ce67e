/* /perencana/unggah: data stewards check and load files through POST /api/v1/uploads/{kind}; the load
 * history of GET /api/v1/loads below. The API key lives in sessionStorage only (this tab, until it is
 * closed): it goes out as an Authorization header, never in a URL, a cookie or the form data. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('peta-page').textContent);
  var STORE = 'peta.uploadKey';
  var HISTORY_LIMIT = 20;
  var form = document.getElementById('upload-form');
  var keyInput = document.getElementById('upload-key');
  var kindSelect = document.getElementById('upload-kind');
  var kindHelp = document.getElementById('kind-help');
  var fileInput = document.getElementById('upload-file');
  var submit = document.getElementById('upload-submit');
  var result = document.getElementById('upload-result');
  var loadsTable = document.getElementById('loads-table');
  var loadsCaption = document.getElementById('loads-caption');
  var integer = new Intl.NumberFormat(page.locale, { maximumFractionDigits: 0 });
  var kinds = {};
  page.kinds.forEach(function (k) { kinds[k.kind] = k; });

  function t(key, values) {
    var text = page.messages[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.replace('{' + name + '}', values[name]); });
    return text;
  }
  function esc(text) {
    return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function num(value) { return value === null || value === undefined ? '–' : integer.format(value); }
  function when(iso) {
    if (!iso) { return '–'; }
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString(page.locale, { dateStyle: 'medium', timeStyle: 'short' });
  }
  function kindTitle(kind) { return kinds[kind] ? kinds[kind].title : kind; }

  // ---------------------------------------------------------------- the key, in this tab only

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }  // storage may be disabled
  }
  var store = storage();
  if (store && store.getItem(STORE)) { keyInput.value = store.getItem(STORE); }
  keyInput.addEventListener('input', function () {
    if (!store) { return; }
    if (keyInput.value.trim()) { store.setItem(STORE, keyInput.value.trim()); } else { store.removeItem(STORE); }
  });
  document.getElementById('forget-key').addEventListener('click', function () {
    if (store) { store.removeItem(STORE); }
    keyInput.value = '';
    keyInput.focus();
  });

  function showKindHelp() {
    var k = kinds[kindSelect.value];
    kindHelp.textContent = k ? t('upload.roles', { roles: k.roles.join(', ') }) + '. ' +
      t('upload.columns', { columns: k.columns.join(', ') }) : '';
  }
  kindSelect.addEventListener('change', showKindHelp);

  // ---------------------------------------------------------------- the answer

  function show(html) {
    result.hidden = false;
    result.innerHTML = '<h2 id="upload-result-title" tabindex="-1">' + esc(t('upload.result')) + '</h2>' + html;
  }
  function focusResult() { document.getElementById('upload-result-title').focus(); }

  function statusText(status) {
    if (status === 'validated') { return t('upload.status_validated'); }
    if (status === 'loaded') { return t('upload.status_loaded'); }
    if (status === 'unchanged') { return t('upload.status_unchanged'); }
    if (status === 'invalid') { return t('upload.status_invalid'); }
    return status;
  }
  function severityText(severity) {
    return severity === 'warning' ? t('upload.severity_warning') : t('upload.severity_error');
  }

  function countsHtml(report) {
    var counts = [['rows_read', t('upload.rows_read')], ['rows_loaded', t('upload.rows_loaded')],
      ['rows_rejected', t('upload.rows_rejected')], ['errors', t('upload.errors')],
      ['warnings', t('upload.warnings')]];
    return '<dl class="key-numbers upload-counts" id="upload-counts">' + counts.map(function (c) {
      return '<div data-count="' + c[0] + '"><dt>' + esc(c[1]) + '</dt><dd>' + num(report[c[0]]) + '</dd></div>';
    }).join('') + '</dl>';
  }

  function byRow(a, b) {  // issues of the whole file first, then by row: the order a steward fixes them in
    var ra = a.row === null || a.row === undefined ? -1 : a.row;
    var rb = b.row === null || b.row === undefined ? -1 : b.row;
    return ra - rb;
  }

  function issuesHtml(report) {
    var issues = (report.issues || []).slice().sort(byRow);
    var html = '<h3>' + esc(t('upload.issues')) + ' (' + num(issues.length) + ')</h3>';
    if (!issues.length) { return html + '<p class="muted" id="upload-no-issues">' + esc(t('upload.no_issues')) + '</p>'; }
    html += '<div class="table-wrap"><table class="data" id="upload-issues"><thead><tr><th class="num">' +
      esc(t('upload.row')) + '</th><th>' + esc(t('upload.column')) + '</th><th>' + esc(t('upload.value')) +
      '</th><th>' + esc(t('upload.reason')) + '</th><th>' + esc(t('upload.severity')) + '</th></tr></thead><tbody>' +
      issues.map(function (issue) {
        return '<tr class="issue-' + esc(issue.severity) + '"><td class="num">' +
          (issue.row === null || issue.row === undefined ? esc(t('upload.whole_file')) : num(issue.row)) +
          '</td><td><code>' + esc(issue.column || '–') + '</code></td><td>' +
          (issue.value === null || issue.value === undefined || issue.value === '' ? '–' :
            '<code>' + esc(issue.value) + '</code>') + '</td><td>' + esc(issue.reason) +
          '</td><td><span class="severity severity-' + esc(issue.severity) + '">' + esc(severityText(issue.severity)) +
          '</span></td></tr>';
      }).join('') + '</tbody></table></div>';
    if (report.issues_truncated) { html += '<p class="muted">' + esc(t('upload.truncated', { n: num(issues.length) })) + '</p>'; }
    return html;
  }

  function renderReport(report) {
    var ok = report.status !== 'invalid';
    var html = '<p class="upload-status ' + (ok ? 'ok' : 'bad') + '" id="upload-status" data-status="' +
      esc(report.status) + '" role="' + (ok ? 'status' : 'alert') + '">' + esc(statusText(report.status)) + '</p>' +
      '<p class="muted">' + esc(kindTitle(report.kind)) + ' · <code>' + esc(report.source) + '</code></p>';
    html += countsHtml(report);
    if (report.notes && report.notes.length) {
      html += '<h3>' + esc(t('upload.notes')) + '</h3><ul class="upload-notes">' + report.notes.map(function (note) {
        return '<li>' + esc(note) + '</li>';
      }).join('') + '</ul>';
    }
    show(html + issuesHtml(report));
  }

  function problemText(status, retryAfter) {
    var seconds = retryAfter && /^\d+$/.test(retryAfter) ? retryAfter : '5';
    if (status === 400) { return t('upload.error_400'); }
    if (status === 401) { return t('upload.error_401'); }
    if (status === 403) { return t('upload.error_403'); }
    if (status === 404) { return t('upload.error_404'); }
    if (status === 413) { return t('upload.error_413', { mb: page.maxUploadMb }); }
    if (status === 429) { return t('upload.error_429', { s: seconds }); }
    if (status === 503) { return t('upload.error_503', { s: seconds }); }
    return t('upload.error_other', { status: status });
  }

  function renderProblem(code, text, detail) {
    show('<p class="upload-status bad" id="upload-status" data-status="' + esc(code) + '" role="alert">' +
      esc(text) + '</p>' + (detail ? '<p class="muted">' + esc(t('upload.detail')) + ': ' + esc(detail) + '</p>' : ''));
  }

  function answer(response, body) {
    if (response.ok && body && body.status) {
      renderReport(body);
      if (body.status === 'loaded') { loadHistory(); }
    } else if (response.status === 400 && body && body.report) {  // its detail only says "see the report"
      renderReport(body.report);
    } else {
      renderProblem('error-' + response.status, problemText(response.status, response.headers.get('Retry-After')),
        body && body.detail);
    }
  }

  function busy(on) {
    submit.disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var key = keyInput.value.trim();
    var file = fileInput.files && fileInput.files[0];
    if (!key) { renderProblem('need-key', t('upload.need_key')); keyInput.focus(); return; }
    if (!file) { renderProblem('need-file', t('upload.need_file')); fileInput.focus(); return; }
    if (page.maxUploadBytes && file.size > page.maxUploadBytes) {  // the server would answer 413: spare the upload
      renderProblem('error-413', problemText(413));
      focusResult();
      return;
    }
    var data = new FormData();
    data.append('file', file, file.name);
    data.append('dry_run', form.elements.dry_run.checked ? 'true' : 'false');
    data.append('skip_invalid', form.elements.skip_invalid.checked ? 'true' : 'false');
    ['commodity', 'year', 'source'].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) { data.append(name, value); }
    });
    busy(true);
    show('<p class="upload-status busy" id="upload-status" data-status="sending">' + esc(t('upload.sending')) + '</p>');
    fetch('/api/v1/uploads/' + encodeURIComponent(kindSelect.value), {
      method: 'POST', body: data, cache: 'no-store', credentials: 'omit',
      headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' }
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) { answer(response, body); });
    }).catch(function () {
      renderProblem('error-network', t('upload.error_network'));
    }).then(function () {
      busy(false);
      focusResult();
    });
  });

  // ---------------------------------------------------------------- load history

  function runStatus(status) {
    if (status === 'loaded') { return t('upload.run_loaded'); }
    if (status === 'superseded') { return t('upload.run_superseded'); }
    return status;
  }

  function renderLoads(loads) {
    if (!loads.length) {
      loadsTable.innerHTML = '';
      loadsCaption.textContent = t('upload.no_loads');
      return;
    }
    loadsCaption.textContent = t('upload.history_intro');
    loadsTable.innerHTML = '<thead><tr><th>' + esc(t('upload.when')) + '</th><th>' + esc(t('upload.kind_col')) +
      '</th><th>' + esc(t('upload.source_col')) + '</th><th>' + esc(t('common.status')) + '</th><th class="num">' +
      esc(t('upload.rows')) + '</th><th>' + esc(t('upload.who')) + '</th></tr></thead><tbody>' +
      loads.map(function (run) {
        return '<tr data-load-id="' + esc(run.id) + '"><td>' + esc(when(run.finished_at || run.started_at)) +
          '</td><td>' + esc(kindTitle(run.kind)) + '</td><td><code>' + esc(run.source_name) + '</code></td><td>' +
          esc(runStatus(run.status)) + '</td><td class="num">' + num(run.rows_loaded) + ' / ' + num(run.rows_read) +
          ' / ' + num(run.rows_rejected) + '</td><td>' + esc(run.loaded_by) + '</td></tr>';
      }).join('') + '</tbody>';
  }

  function loadHistory() {
    loadsTable.setAttribute('aria-busy', 'true');
    // no-store: the API lets caches keep reads for a minute, and a steward wants the load just made
    return fetch('/api/v1/loads?limit=' + HISTORY_LIMIT, { cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      }).then(function (body) {
        renderLoads(body.loads);
        loadsTable.dataset.state = 'ready';
      }).catch(function () {
        loadsCaption.textContent = t('common.error');
        loadsTable.dataset.state = 'error';
      }).then(function () { loadsTable.removeAttribute('aria-busy'); });
  }

  document.getElementById('loads-refresh').addEventListener('click', loadHistory);
  showKindHelp();
  loadHistory();
}());
