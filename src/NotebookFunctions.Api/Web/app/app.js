// Notebook Functions web app: one script, no framework, no build. Every view is a #route rendered from the JSON API
// with DOM nodes and text (never innerHTML), so nothing a notebook or a user wrote is ever parsed as markup here.
// The API decides: buttons follow the caller's roles (GET /api/me), and whatever the API refuses is shown as it says.
'use strict';

(() => {
  const view = document.getElementById('view');
  const notice = document.getElementById('notice');
  const terminal = new Set(['Completed', 'CompletedWithFailures', 'Failed', 'Cancelled']);
  let me = { name: null, roles: [], can: { read: false, run: false, publish: false } };
  let timer = null;
  let poll = 1300;

  // ---- small helpers ---------------------------------------------------------------------------------------------

  /** An element with attributes (on* as listeners) and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else if (key === 'text') el.textContent = value;
      else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  /** Replaces an element's children with these (nested lists flattened, empty ones skipped). */
  function put(el, ...children) {
    el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false && c !== ''));
  }

  /** Fills the element with this id, if the page still has it (the person may have moved on). */
  function putIn(id, ...children) {
    const el = document.getElementById(id);
    if (el) put(el, ...children);
  }

  const enc = encodeURIComponent;
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
  const short = (version) => (version ? version.slice(0, 12) : '');
  const statusBadge = (status) => h('span', { class: `status ${status || ''}` }, status || 'unknown');

  function cookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : '';
  }

  /** A refusal from the API: its problem document (title, detail, field) and status. */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `the server answered ${status}`);
      this.status = status;
      this.problem = problem || {};
    }
  }

  const here = () => location.hash || '#/';

  /** A read whose answer came after the person left the page it was for: dropped, so it never paints over the new page. */
  class Stale extends Error {}

  /** Calls the API; changes carry the CSRF token the page's cookie holds (another site can neither read nor send it). */
  async function api(method, path, body) {
    // X-Requested-With: App Service Authentication answers an expired sign-in with 401 instead of a redirect.
    const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    let payload;
    if (method !== 'GET') headers['X-NBF-CSRF'] = cookie('nbf_csrf');
    if (body instanceof Blob) {
      headers['Content-Type'] = 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const at = here();
    const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', redirect: 'manual' });
    // A redirect is the sign-in page (another origin the policy does not allow): say so instead of "failed to fetch".
    if (response.type === 'opaqueredirect') throw new ApiError(401, { detail: 'your sign-in has expired; reload the page to sign in again' });
    const type = response.headers.get('content-type') || '';
    const data = type.includes('json') ? await response.json() : null;
    if (method === 'GET' && here() !== at) throw new Stale();
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  let keepNotice = false;

  function say(message, kind = 'info') {
    put(notice, message ? h('div', { class: `banner ${kind}` }, message) : null);
  }

  /** A message for the page the app goes to next (a route change clears the others). */
  function sayNext(message, kind) {
    say(message, kind);
    keepNotice = true;
  }

  /** A refusal as the page shows it: 401/403 said plainly, with the API's own words. */
  function refusal(error) {
    if (!(error instanceof ApiError)) return `Something went wrong: ${error.message}`;
    if (error.status === 401) return `You are not signed in (${error.message}).`;
    if (error.status === 403) return `Not allowed: ${error.message}`;
    return error.message;
  }

  /** Replaces the page's content; what had focus (by id) keeps it, else the content itself gets it, never the body. */
  function show(...children) {
    const focused = view.contains(document.activeElement) && document.activeElement !== view ? document.activeElement.id || '-' : '';
    put(view, ...children);
    const again = focused && document.getElementById(focused);
    if (again) again.focus();
    else if (focused) view.focus();
  }

  function failed(error) {
    if (error instanceof Stale) return;
    show(h('div', { class: 'banner bad', role: 'alert' }, refusal(error)));
  }

  // ---- routes --------------------------------------------------------------------------------------------------------

  const routes = [
    [/^#?\/?$/, () => catalogPage()],
    [/^#\/notebooks\/([^/?]+)(?:\?version=(\w+))?$/, (m) => notebookPage(decodeURIComponent(m[1]), m[2])],
    [/^#\/pipelines\/([^/?]+)$/, (m) => pipelinePage(decodeURIComponent(m[1]))],
    [/^#\/runs$/, () => runsPage()],
    [/^#\/runs\/([^/?]+)$/, (m) => runPage(decodeURIComponent(m[1]))],
    [/^#\/schedules$/, () => schedulesPage()],
    [/^#\/publish$/, () => publishPage()],
  ];

  let routed = null;

  async function route() {
    routed = here();
    clearTimeout(timer);
    poll = 1300;
    if (!keepNotice) say('');
    keepNotice = false;
    const hash = here();
    // In-page anchors (the skip link's #view) are not routes.
    if (!hash.startsWith('#/')) return;
    for (const link of document.querySelectorAll('.top nav a')) {
      const target = link.getAttribute('href');
      if ((target === '#/' && (hash === '#/' || hash.startsWith('#/notebooks') || hash.startsWith('#/pipelines'))) || (target !== '#/' && hash.startsWith(target))) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const match = routes.map(([pattern, render]) => [hash.match(pattern), render]).find(([m]) => m);
    try {
      if (match) await match[1](match[0]);
      else show(h('h1', {}, 'Not found'), h('p', {}, 'This page does not exist. ', h('a', { href: '#/' }, 'Go to the catalog.')));
    } catch (error) {
      failed(error);
    }
    // A new page: keyboard and screen-reader users start at its content, not wherever the link they followed was.
    if (here() === hash && !view.contains(document.activeElement)) view.focus();
  }

  // ---- catalog -------------------------------------------------------------------------------------------------------

  let catalogRequest = 0;

  async function catalogPage(q = '', token = null, first = true) {
    // Searches and pages stay on #/: only the answer to the latest request is shown.
    const mine = ++catalogRequest;
    const query = new URLSearchParams({ top: '25' });
    if (q) query.set('q', q);
    if (token) query.set('continuationToken', token);
    const page = await api('GET', `/api/catalog?${query}`);
    if (mine !== catalogRequest) return;
    const search = h('input', { id: 'search', type: 'search', name: 'q', value: q, autocomplete: 'off' });
    const form = h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); catalogPage(search.value.trim()); } },
      h('label', { for: 'search' }, 'Search notebooks and pipelines'), search, h('button', { type: 'submit' }, 'Search'));
    const rows = page.items.map((item) => h('tr', {},
      h('td', {}, h('a', { href: `#/${item.kind}s/${enc(item.name)}` }, item.name),
        // The wide columns' facts, stacked under the name where the screen is too narrow for them (app.css).
        h('div', { class: 'narrow' },
          item.description ? h('span', { class: 'narrow-description' }, item.description) : null,
          h('span', { class: 'muted narrow-version' }, `latest ${short(item.latest)}${item.published ? ` · published ${when(item.published)}` : ''}`))),
      h('td', {}, item.kind),
      h('td', { class: 'wide' }, item.description || ''),
      h('td', { class: 'mono wide' }, short(item.latest)),
      h('td', { class: 'wide' }, when(item.published)),
      h('td', {}, item.lastRun ? h('a', { href: `#/runs/${enc(item.lastRun.id)}` }, statusBadge(item.lastRun.status)) : h('span', { class: 'muted' }, 'never run'))));
    const pager = h('div', { class: 'row pager' },
      first ? null : h('button', { class: 'secondary', type: 'button', id: 'first-page', onclick: () => catalogPage(q) }, 'First page'),
      page.continuationToken ? h('button', { class: 'secondary', type: 'button', id: 'next-page', onclick: () => catalogPage(q, page.continuationToken, false) }, 'Next page') : null);
    show(h('h1', {}, 'Catalog'), form,
      page.items.length === 0
        ? h('p', {}, q ? `Nothing published matches “${q}”.` : 'Nothing is published yet.')
        : h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'muted' }, q ? `Matching “${q}”` : 'Published notebooks and pipelines'),
          h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Description', 'Latest', 'Published', 'Last run'].map((c, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'wide' : null }, c)))),
          h('tbody', {}, rows))),
      pager);
  }

  // ---- notebook page: versions, run form, schedules, recent runs -----------------------------------------------------

  async function notebookPage(name, version) {
    const notebook = await api('GET', `/api/notebooks/${enc(name)}${version ? `?version=${enc(version)}` : ''}`);
    // Choosing a version only selects it (arrow keys walk the list); the button goes to it.
    const versions = h('select', { id: 'version' },
      notebook.versions.slice().reverse().map((v) => h('option', { value: v.version, selected: v.version === notebook.version }, `${short(v.version)} · ${when(v.published)}${v.version === notebook.latest ? ' (latest)' : ''}`)));
    const picker = h('form', { class: 'field', 'aria-label': 'Version', onsubmit: (e) => { e.preventDefault(); location.hash = `#/notebooks/${enc(name)}?version=${versions.value}`; } },
      h('label', { for: 'version' }, 'Version'), h('div', { class: 'row' }, h('div', { class: 'grow' }, versions), h('button', { type: 'submit', class: 'secondary', id: 'show-version' }, 'Show version')));
    const parts = [
      h('h1', {}, notebook.name),
      notebook.description ? h('p', {}, notebook.description) : null,
      picker,
      h('h2', {}, 'Run'),
      me.can.run ? runForm(notebook) : h('p', { class: 'banner info' }, 'You can read this notebook and its runs. Running it needs the Notebooks.Runner role, which you do not have.'),
      h('h2', {}, 'Schedules'),
      h('div', { id: 'schedules' }, h('p', { class: 'muted' }, 'Loading…')),
      h('h2', {}, 'Recent runs'),
      h('div', { id: 'recent' }, h('p', { class: 'muted' }, 'Loading…')),
    ];
    show(...parts);
    api('GET', '/api/schedules').then((s) => {
      const mine = s.schedules.filter((x) => x.run && x.run.notebook === name);
      putIn('schedules', mine.length === 0
        ? h('p', { class: 'muted' }, 'No schedule runs this notebook. ', h('a', { href: '#/schedules' }, 'Schedules'))
        : h('ul', { class: 'plain' }, mine.map((x) => h('li', {}, h('strong', {}, x.name), ` · ${x.cron} (${x.timeZone})`, x.enabled ? ` · next ${when(x.next)}` : ' · off'))));
    }).catch((e) => e instanceof Stale || putIn('schedules', h('p', { class: 'error' }, refusal(e))));
    api('GET', `/api/runs?notebook=${enc(name)}&top=10`).then((page) => putIn('recent', runTable(page.runs)))
      .catch((e) => e instanceof Stale || putIn('recent', h('p', { class: 'error' }, refusal(e))));
  }

  /** One labelled input per parameter, by its kind; the help is the comment the notebook wrote beside it. */
  function parameterField(p) {
    const id = `p-${p.name}`;
    const help = p.help ? h('span', { class: 'help', id: `${id}-help` }, p.help) : null;
    const error = h('span', { class: 'error', id: `${id}-error`, 'data-field': `parameters.${p.name}` });
    const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
    const value = p.defaultValue;
    const label = h('label', { for: id }, p.name, h('span', { class: 'muted' }, ` (${p.type})`));
    let input;
    switch (p.kind) {
      case 'bool':
        input = h('input', { id, type: 'checkbox', checked: value === true, 'aria-describedby': described });
        return { el: h('div', { class: 'field check' }, input, label, help, error), read: () => input.checked, initial: value === true, input };
      case 'int':
        input = h('input', { id, type: 'number', step: '1', inputmode: 'numeric', value: typeof value === 'number' ? value : null, placeholder: p.default, 'aria-describedby': described });
        break;
      case 'float':
        input = h('input', { id, type: 'number', step: 'any', inputmode: 'decimal', value: typeof value === 'number' ? value : null, placeholder: p.default, 'aria-describedby': described });
        break;
      case 'date':
        input = h('input', { id, type: 'date', value: typeof value === 'string' ? value : null, 'aria-describedby': described });
        break;
      case 'datetime':
        input = h('input', { id, type: 'datetime-local', step: '1', value: typeof value === 'string' ? value.slice(0, 19) : null, 'aria-describedby': described });
        break;
      case 'list': case 'dict': case 'any': {
        input = h('textarea', { id, spellcheck: 'false', 'aria-describedby': described, placeholder: p.default }, value !== null && value !== undefined ? JSON.stringify(value) : '');
        // The JSON editor checks as you type; the server checks the type again.
        input.addEventListener('input', () => {
          const problem = jsonProblem(input.value, p.kind);
          error.textContent = problem || '';
          input.setAttribute('aria-invalid', problem ? 'true' : 'false');
        });
        break;
      }
      default:
        input = h('input', { id, type: 'text', value: typeof value === 'string' ? value : null, placeholder: p.default, 'aria-describedby': described });
    }
    const initial = input.value;
    return {
      el: h('div', { class: 'field' }, label, input, help, error),
      input,
      initial,
      read: () => typed(input.value, p.kind),
      changed: () => input.value !== initial,
    };
  }

  function jsonProblem(text, kind) {
    if (text.trim() === '') return null;
    try {
      const value = JSON.parse(text);
      if (kind === 'list' && !Array.isArray(value)) return 'must be a JSON list, e.g. [1, 2]';
      if (kind === 'dict' && (value === null || typeof value !== 'object' || Array.isArray(value))) return 'must be a JSON object, e.g. {"a": 1}';
      return null;
    } catch (e) {
      return `not valid JSON: ${e.message}`;
    }
  }

  /** The value to send: numbers as numbers when they read as such, JSON parsed; anything else as typed (the server names what is wrong). */
  function typed(text, kind) {
    if (kind === 'int' || kind === 'float') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    if (kind === 'list' || kind === 'dict' || kind === 'any') {
      try { return JSON.parse(text); } catch { return text; }
    }
    return text;
  }

  /**
   * The input part of a form: blobs already stored, or a file to upload. <at> is where the input sits in the request
   * ("" for a run, "run." in a schedule), so the server's field names find their markers; <current> fills it.
   */
  function inputFields(prefix, at = '', current = null) {
    const source = h('select', { id: `${prefix}-source` }, h('option', { value: 'blobs' }, 'Blobs already in storage'), h('option', { value: 'upload' }, 'Upload a file'));
    const container = h('input', { id: `${prefix}-container`, type: 'text', value: current ? current.container : 'inputs', autocomplete: 'off', 'aria-describedby': `${prefix}-container-error` });
    const blobPrefix = h('input', { id: `${prefix}-prefix`, type: 'text', value: current ? current.prefix : null, autocomplete: 'off', 'aria-describedby': `${prefix}-prefix-help ${prefix}-prefix-error` });
    const file = h('input', { id: `${prefix}-file`, type: 'file', 'aria-describedby': `${prefix}-file-error` });
    const blobs = h('div', { class: 'stack' },
      h('div', { class: 'field' }, h('label', { for: `${prefix}-container` }, 'Container'), container, h('span', { class: 'error', id: `${prefix}-container-error`, 'data-field': `${at}input.container` })),
      h('div', { class: 'field' }, h('label', { for: `${prefix}-prefix` }, 'Blob name or prefix'), blobPrefix,
        h('span', { class: 'help', id: `${prefix}-prefix-help` }, 'Every blob whose name starts with this is read.'),
        h('span', { class: 'error', id: `${prefix}-prefix-error`, 'data-field': `${at}input.prefix` })));
    const upload = h('div', { class: 'field', hidden: true }, h('label', { for: `${prefix}-file` }, 'File'), file, h('span', { class: 'error', id: `${prefix}-file-error`, 'data-field': 'upload' }));
    source.addEventListener('change', () => { blobs.hidden = source.value !== 'blobs'; upload.hidden = source.value !== 'upload'; });
    // The file uploaded for this form: sent once, reused when the form is sent again after a refusal.
    let uploaded = null;
    return {
      el: h('fieldset', {}, h('legend', {}, 'Input'), h('div', { class: 'field' }, h('label', { for: `${prefix}-source` }, 'Where the data is'), source), blobs, upload),
      /** The input to run over: an uploaded file first becomes a blob of its own. */
      async read() {
        if (source.value === 'upload') {
          if (!file.files.length) throw new ApiError(400, { detail: 'choose a file to upload', field: 'upload' });
          const picked = file.files[0];
          if (uploaded && uploaded.file === picked) return uploaded.input;
          say(`Uploading ${picked.name}…`);
          try {
            const answer = await api('POST', `/api/uploads?name=${enc(picked.name)}`, picked);
            uploaded = { file: picked, input: answer.input };
            say('');
            return answer.input;
          } catch (error) {
            if (error instanceof ApiError && (error.problem.field === 'name' || error.problem.field === 'body' || error.status === 413)) error.problem.field = 'upload';
            throw error;
          }
        }
        return { container: container.value.trim(), prefix: blobPrefix.value.trim() };
      },
    };
  }

  function runForm(notebook) {
    // Reserved parameters (input_path, output_dir, ...) are set by the run itself, never by a person.
    const declared = (notebook.schema.parameters || []).filter((p) => !p.reserved);
    const params = declared.map(parameterField);
    const input = inputFields('in');
    // The API's defaults (one rule, in the run service), shown here; a choice left as shown is not sent.
    const defaults = notebook.runDefaults;
    const mode = h('select', { id: 'mode' }, [['split', 'Split the data into chunks of lines'], ['perBlob', 'One chunk per blob'], ['whole', 'Everything as one chunk']]
      .map(([value, text]) => h('option', { value, selected: value === defaults.input.mode }, text)));
    const chunkSize = h('input', { id: 'chunkSize', type: 'text', placeholder: `default ${defaults.input.chunkSize}`, 'aria-describedby': 'chunkSize-help chunkSize-error' });
    const parallel = h('input', { id: 'parallel', type: 'number', min: '1', step: '1', inputmode: 'numeric', placeholder: `default ${defaults.maxParallelChunks}`, 'aria-describedby': 'parallel-help parallel-error' });
    const onFailure = h('select', { id: 'onFailure' }, [['failFast', 'Stop at the first failed chunk'], ['continue', 'Run the other chunks']]
      .map(([value, text]) => h('option', { value, selected: value === defaults.onChunkFailure }, text)));
    const general = h('div', { class: 'error', role: 'alert', id: 'run-error' });
    const submit = h('button', { type: 'submit', id: 'run-submit' }, 'Run');
    const form = h('form', { class: 'stack', novalidate: true, 'aria-label': `Run ${notebook.name}` },
      params.length ? h('fieldset', {}, h('legend', {}, 'Parameters'), h('div', { class: 'stack' }, params.map((p) => p.el))) : h('p', { class: 'muted' }, 'This notebook declares no parameters.'),
      input.el,
      h('fieldset', {}, h('legend', {}, 'Chunks'),
        h('div', { class: 'stack' },
          h('div', { class: 'field' }, h('label', { for: 'mode' }, 'How to split the input'), mode, h('span', { class: 'error', 'data-field': 'input.mode' })),
          h('div', { class: 'field' }, h('label', { for: 'chunkSize' }, 'Chunk size'), chunkSize, h('span', { class: 'help', id: 'chunkSize-help' }, `e.g. 16MB; empty for ${defaults.input.chunkSize}. Each chunk gets a fresh kernel.`), h('span', { class: 'error', id: 'chunkSize-error', 'data-field': 'input.chunkSize' })),
          h('div', { class: 'field' }, h('label', { for: 'parallel' }, 'Chunks at once'), parallel, h('span', { class: 'help', id: 'parallel-help' }, `empty for ${defaults.maxParallelChunks}`), h('span', { class: 'error', id: 'parallel-error', 'data-field': 'maxParallelChunks' })),
          h('div', { class: 'field' }, h('label', { for: 'onFailure' }, 'When a chunk fails'), onFailure, h('span', { class: 'error', 'data-field': 'onChunkFailure' })))),
      general,
      h('div', { class: 'row' }, submit));
    mode.addEventListener('change', () => { chunkSize.disabled = mode.value !== 'split'; });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      submit.disabled = true;
      try {
        const parameters = {};
        for (const [i, p] of params.entries()) {
          const schema = declared[i];
          if (schema.kind === 'bool' ? p.input.checked !== p.initial : p.changed()) parameters[schema.name] = p.read();
        }
        const chosen = (value, shown) => (value === '' || value === shown ? undefined : value);
        const body = {
          notebook: notebook.name,
          version: notebook.version,
          parameters,
          input: { ...(await input.read()), mode: chosen(mode.value, defaults.input.mode), chunkSize: mode.value === 'split' ? chosen(chunkSize.value.trim(), '') : undefined },
          maxParallelChunks: parallel.value.trim() === '' ? undefined : typed(parallel.value, 'int'),
          onChunkFailure: chosen(onFailure.value, defaults.onChunkFailure),
        };
        const started = await api('POST', '/api/runs', body);
        location.hash = `#/runs/${enc(started.id)}`;
      } catch (error) {
        showError(form, general, error);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function clearErrors(form) {
    for (const el of form.querySelectorAll('.error')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.setAttribute('aria-invalid', 'false');
  }

  /** The error marker for a field the server named, else for the nearest enclosing one ("run.parameters.top" lands at "run.parameters"). */
  function fieldMarker(form, field) {
    for (let name = field || ''; name; name = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '') {
      const marker = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (marker) return marker;
    }
    return null;
  }

  /** The server's problem beside the field it names (parameters.x, input.prefix, cron...), else above the buttons. */
  function showError(form, general, error) {
    if (error instanceof Stale) return;
    say('');
    const field = error instanceof ApiError ? error.problem.field : null;
    const target = fieldMarker(form, field);
    if (target) {
      target.textContent = error.message;
      const control = target.closest('.field')?.querySelector('input, select, textarea');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        control.focus();
      }
    } else {
      general.textContent = refusal(error);
    }
  }

  // ---- pipeline page -------------------------------------------------------------------------------------------------

  async function pipelinePage(name) {
    const pipeline = await api('GET', `/api/pipelines/${enc(name)}`);
    const steps = pipeline.steps || [];
    const params = h('textarea', { id: 'pipeline-params', spellcheck: 'false', 'aria-describedby': 'pipeline-params-help pipeline-params-error' }, '{}');
    const error = h('span', { class: 'error', id: 'pipeline-params-error', 'data-field': 'parameters' });
    const general = h('div', { class: 'error', role: 'alert' });
    const form = h('form', { class: 'stack', novalidate: true, 'aria-label': `Run ${name}` },
      h('div', { class: 'field' }, h('label', { for: 'pipeline-params' }, 'Parameters (JSON object)'), params,
        h('span', { class: 'help', id: 'pipeline-params-help' }, (pipeline.parameters || []).map((p) => `${p.name}: ${p.type}${p.required ? ', required' : ''}${p.description ? ` (${p.description})` : ''}`).join('; ') || 'This pipeline declares no parameters.'), error),
      general, h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Run pipeline')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const problem = jsonProblem(params.value, 'dict');
      if (problem) { error.textContent = problem; return; }
      try {
        const started = await api('POST', `/api/pipelines/${enc(name)}/runs`, { parameters: params.value.trim() ? JSON.parse(params.value) : {} });
        location.hash = `#/runs/${enc(started.id)}`;
      } catch (e) {
        showError(form, general, e);
      }
    });
    show(h('h1', {}, `${name} (pipeline)`),
      pipeline.description ? h('p', {}, pipeline.description) : null,
      h('p', { class: 'muted mono' }, `version ${short(pipeline.version)}`),
      h('h2', {}, 'Steps'),
      h('ol', {}, steps.map((s) => h('li', {}, h('strong', {}, s.name), ` runs ${s.notebook}${s.mode === 'fan_out' ? ' over chunks' : ''}`, s.dependsOn && s.dependsOn.length ? ` after ${s.dependsOn.join(', ')}` : ''))),
      h('h2', {}, 'Run'),
      me.can.run ? form : h('p', { class: 'banner info' }, 'Running a pipeline needs the Notebooks.Runner role, which you do not have.'),
      h('h2', {}, 'Recent runs'), h('div', { id: 'recent' }));
    const page = await api('GET', `/api/runs?pipeline=${enc(name)}&top=10`);
    putIn('recent', runTable(page.runs));
  }

  // ---- runs ----------------------------------------------------------------------------------------------------------

  function runTable(runs) {
    if (!runs || runs.length === 0) return h('p', { class: 'muted' }, 'No runs yet.');
    return h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Run', 'Of', 'Status', 'Created', 'Chunks'].map((c, i) => h('th', { scope: 'col', class: i === 4 ? 'wide' : null }, c)))),
      h('tbody', {}, runs.map((run) => h('tr', {},
        h('td', { class: 'mono' }, h('a', { href: `#/runs/${enc(run.id)}` }, run.id)),
        h('td', {}, run.notebook || run.pipeline || ''),
        h('td', {}, statusBadge(run.status)),
        h('td', {}, when(run.created)),
        h('td', { class: 'wide' }, run.progress ? `${run.progress.succeeded}/${run.progress.planned}` : ''))))));
  }

  async function runsPage(token = null) {
    const page = await api('GET', `/api/runs?top=25${token ? `&continuationToken=${enc(token)}` : ''}`);
    show(h('h1', {}, 'Runs'), runTable(page.runs),
      h('div', { class: 'row pager' },
        token ? h('button', { type: 'button', class: 'secondary', id: 'first-page', onclick: () => runsPage() }, 'First page') : null,
        page.continuationToken ? h('button', { type: 'button', class: 'secondary', id: 'next-page', onclick: () => runsPage(page.continuationToken) }, 'Next page') : null));
  }

  /**
   * The run page: live while the run goes on (polled), then its outcome, failures, results and environment. The page
   * is built once; each poll changes only the parts whose content changed, so whatever has focus keeps it (a Cancel
   * button, a chunk's link) and an alert is announced once, when it appears.
   */
  async function runPage(id) {
    const run = await api('GET', `/api/runs/${enc(id)}`);
    if (location.hash !== `#/runs/${enc(id)}`) return;
    const built = document.getElementById('run-page');
    if (!built || built.dataset.run !== id) show(runSkeleton(run));
    const ended = terminal.has(run.status);
    updateRun(run, ended);
    clearTimeout(timer);
    if (!ended) {
      // About every 1.5 s at first, then less often for a long run (at most every 5 s).
      poll = Math.min(5000, poll * 1.15);
      timer = setTimeout(() => runPage(id).catch(failed), poll);
      return;
    }
    const results = document.getElementById('results');
    if (!run.pipeline && results && !results.dataset.shown) {
      results.dataset.shown = 'yes';
      await showResults(run);
    }
  }

  /** What a run page holds: the facts that never change, and a place for each part that may. */
  function runSkeleton(run) {
    return h('div', { id: 'run-page', 'data-run': run.id },
      h('h1', {}, `Run ${run.id}`),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { id: 'run-status' }),
        h('dt', {}, run.pipeline ? 'Pipeline' : 'Notebook'), h('dd', {}, h('a', { href: run.pipeline ? `#/pipelines/${enc(run.pipeline)}` : `#/notebooks/${enc(run.notebook || '')}?version=${run.version || ''}` }, run.pipeline || run.notebook || ''), ' ', h('span', { class: 'mono muted' }, short(run.version))),
        h('dt', {}, 'Created'), h('dd', {}, when(run.created)),
        run.repairOf ? [h('dt', {}, 'Repair of'), h('dd', {}, h('a', { href: `#/runs/${enc(run.repairOf)}` }, run.repairOf))] : null,
        h('dt', {}, 'Chunks'), h('dd', { id: 'run-counts' })),
      h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Chunks finished', 'aria-valuemin': '0', 'aria-valuemax': '100' }, h('span', {})),
      h('div', { class: 'row', id: 'run-actions' }),
      h('div', { id: 'run-error' }),
      h('div', { id: 'run-notes' }),
      h('div', { id: 'run-steps' }),
      h('div', { id: 'run-chunks' }),
      h('div', { id: 'run-failures' }),
      h('div', { id: 'results' }));
  }

  /** Fills the part with this id again only when what it shows (its key) changed. */
  function refill(id, key, build) {
    const el = document.getElementById(id);
    if (!el || el.dataset.shown === key) return;
    el.dataset.shown = key;
    const hadFocus = el.contains(document.activeElement);
    put(el, build());
    // The focused control went (Cancel once the run ended): the content keeps focus instead of the page's body.
    if (hadFocus) view.focus();
  }

  /**
   * Makes a list's children one node per item, in order, keeping the node of every item whose key is unchanged
   * (a kept node is never moved, so it keeps focus); stale nodes go first so the kept ones stay in place.
   */
  function reconcile(list, items, keyOf, build) {
    const keys = new Set(items.map(keyOf));
    const hadFocus = list.contains(document.activeElement);
    for (const el of [...list.children]) if (!keys.has(el.dataset.key)) el.remove();
    if (hadFocus && !list.contains(document.activeElement)) view.focus();
    const kept = new Map([...list.children].map((el) => [el.dataset.key, el]));
    items.forEach((item, at) => {
      const key = keyOf(item);
      let el = kept.get(key);
      if (!el) {
        el = build(item);
        el.dataset.key = key;
      }
      if (list.children[at] !== el) list.insertBefore(el, list.children[at] || null);
    });
  }

  function updateRun(run, ended) {
    const id = run.id;
    const progress = run.progress || { planned: 0, running: 0, succeeded: 0, failed: 0 };
    const done = progress.planned ? Math.round((100 * (progress.succeeded + progress.failed)) / progress.planned) : 0;
    refill('run-status', run.status, () => statusBadge(run.status));
    const counts = `${progress.succeeded} succeeded, ${progress.failed} failed, ${progress.running} running of ${progress.planned}`;
    refill('run-counts', counts, () => counts);
    const bar = view.querySelector('.progress');
    bar.setAttribute('aria-valuenow', String(done));
    // The bar's width without an inline style (the policy allows none): a stylesheet rule per step of 5%.
    bar.firstElementChild.className = `w${Math.round(done / 5) * 5}`;
    const canCancel = me.can.run && !ended;
    const canRepair = me.can.run && (run.status === 'Failed' || run.status === 'CompletedWithFailures');
    refill('run-actions', `${canCancel}|${canRepair}`, () => [
      canCancel ? h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: () => act('cancel', id) }, 'Cancel run') : null,
      canRepair ? h('button', { type: 'button', id: 'repair', onclick: () => act('repair', id) }, 'Repair: rerun what failed') : null]);
    refill('run-error', run.error || '', () => (run.error ? h('div', { class: 'banner bad', role: 'alert' }, run.error) : null));
    // What the run warned of (fewer kernels at once, chunks that will not fit their memory) and how its environment drifted.
    const warnings = (run.result && run.result.warnings) || (run.progress && run.progress.warnings) || [];
    refill('run-notes', JSON.stringify([warnings, run.environmentChanged || '']), () => [
      warnings.map((w) => h('div', { class: 'banner info', role: 'status' }, `Warning: ${w}`)),
      run.environmentChanged ? h('div', { class: 'banner info', role: 'status', id: 'environment-changed' }, `Note: ${run.environmentChanged}`) : null]);
    const steps = run.steps || [];
    refill('run-steps', JSON.stringify(steps.map((s) => [s.name, s.status, s.notebook])), () => (steps.length
      ? [h('h2', {}, 'Steps'), h('ul', { class: 'plain' }, steps.map((s) => h('li', {}, statusBadge(s.status), ' ', h('strong', {}, s.name), s.notebook ? ` (${s.notebook})` : '')))]
      : null));
    updateChunks(run);
  }

  /** The chunk grid and the failed chunks: a chunk's node changes only when its status (or its error) does. */
  function updateChunks(run) {
    const chunks = run.chunks || [];
    const chunkPage = run.links.chunkPage;
    refill('run-chunks', chunks.length ? 'grid' : '', () => (chunks.length ? [h('h2', {}, 'Chunks'), h('div', { class: 'grid', id: 'chunk-grid', role: 'list', 'aria-label': 'Chunks' })] : null));
    const grid = document.getElementById('chunk-grid');
    if (grid) {
      reconcile(grid, chunks, (c) => `${c.index}:${c.status}`, (c) => {
        const label = `chunk ${c.index}: ${c.status}`;
        const state = c.status.replace(/\W+/g, '-');
        return chunkPage && (c.status === 'succeeded' || c.status === 'failed')
          ? h('a', { role: 'listitem', class: `chunk ${state}`, href: chunkPage.replace('{index}', c.index), title: label, 'aria-label': label }, String(c.index))
          : h('span', { role: 'listitem', class: `chunk ${state}`, title: label, 'aria-label': label }, String(c.index));
      });
    }
    const failures = chunks.filter((c) => c.error);
    refill('run-failures', failures.length ? 'list' : '', () => (failures.length ? [h('h2', {}, 'Failed chunks'), h('ul', { class: 'plain', id: 'failures' })] : null));
    const list = document.getElementById('failures');
    if (!list) return;
    reconcile(list, failures, (c) => `${c.index}:${JSON.stringify(c.error)}`, (c) => h('li', {},
      h('strong', {}, `Chunk ${c.index}`), `: ${c.error.eName}: ${c.error.eValue}`,
      c.error.cellIndex !== null && c.error.cellIndex !== undefined ? ` in cell ${c.error.cellIndex}${c.error.cellId ? ` (${c.error.cellId})` : ''}${c.error.executionCount ? `, In [${c.error.executionCount}]` : ''}` : '',
      chunkPage ? [' · ', h('a', { href: chunkPage.replace('{index}', c.index) }, 'see the failing cell')] : null));
  }

  async function act(what, id) {
    if (what === 'cancel' && !window.confirm('Cancel this run? Chunks still running are stopped.')) return;
    try {
      const answer = await api('POST', `/api/runs/${enc(id)}/${what}`);
      if (what === 'repair') {
        sayNext(`Repair started as run ${answer.id}.`, 'good');
        location.hash = `#/runs/${enc(answer.id)}`;
      } else {
        say('Cancelling: no new chunks start, and running kernels are stopped.', 'info');
        clearTimeout(timer);
        await runPage(id);
      }
    } catch (error) {
      say(refusal(error), 'bad');
    }
  }

  /** Downloads, the final table, the executed notebooks and the environment of a finished run. */
  async function showResults(run) {
    const box = document.getElementById('results');
    const files = (await api('GET', `/api/runs/${enc(run.id)}/files`)).files;
    const finals = files.filter((f) => f.path.startsWith('reduce/files/'));
    const merged = files.filter((f) => f.path.startsWith('results/'));
    const manifest = files.find((f) => f.path === 'manifest.json');
    const table = finals.concat(merged).find((f) => f.path.endsWith('.csv'));
    const list = (items) => h('ul', { class: 'plain' }, items.map((f) => h('li', {}, h('a', { href: f.link, download: f.path.split('/').pop() }, f.path), h('span', { class: 'muted' }, ` · ${f.size} bytes`))));
    put(box,
      h('h2', {}, 'Results'),
      run.links.reducePage ? h('p', {}, h('a', { href: run.links.reducePage }, 'The final notebook (reduce), executed')) : null,
      finals.length ? [h('h3', {}, 'Final results'), list(finals)] : null,
      merged.length ? [h('h3', {}, 'Merged results'), list(merged)] : null,
      manifest ? h('p', {}, h('a', { href: manifest.link, download: 'manifest.json' }, 'Manifest (manifest.json)')) : null,
      h('div', { id: 'final-table' }),
      h('div', { id: 'environment' }));
    const at = here();
    if (table) {
      const text = await head(table.link, 256 * 1024);
      if (text !== null && here() === at) putIn('final-table', h('h3', {}, table.path), csvTable(text));
    }
    if (manifest) {
      const text = await head(manifest.link, 8 * 1024 * 1024);
      try {
        if (text !== null && here() === at) putIn('environment', environment(JSON.parse(text).environment));
      } catch {
        // A manifest cut at the limit is not shown; its link is.
      }
    }
  }

  /** The first bytes of a file (a result may be gigabytes: the page shows its start), or null when it cannot be read. */
  async function head(link, limit) {
    try {
      const response = await fetch(link, { credentials: 'same-origin', redirect: 'manual' });
      if (!response.ok || !response.body) return null;
      const reader = response.body.getReader();
      const chunks = [];
      let size = 0;
      while (size < limit) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.length;
      }
      reader.cancel().catch(() => {});
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.length; }
      return new TextDecoder().decode(bytes.subarray(0, Math.min(size, limit)));
    } catch {
      return null;
    }
  }

  /** A CSV file as a table: the first 100 rows (quoted fields understood). */
  function csvTable(text) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length && rows.length <= 100; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; } else field += c;
    }
    if (field || row.length) { row.push(field); rows.push(row); }
    const [head = [], ...body] = rows;
    return h('div', { class: 'table-wrap' }, h('table', { class: 'final' },
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, body.slice(0, 100).map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
  }

  function environment(env) {
    if (!env) return h('p', { class: 'muted' }, 'The run recorded no environment.');
    // Packages as the kernel listed them ("name==version"), or as a name-to-version object.
    const packages = Array.isArray(env.packages)
      ? env.packages.map((p) => { const [name, ...version] = String(p).split('=='); return [name, version.join('==')]; })
      : Object.entries(env.packages || {});
    const facts = Object.entries(env).filter(([, v]) => v === null || typeof v !== 'object');
    return h('details', {}, h('summary', {}, `Environment: ${facts.map(([k, v]) => `${k} ${v}`).join(', ') || 'recorded'}`),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
      h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Package'), h('th', { scope: 'col' }, 'Version'))),
        h('tbody', {}, packages.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, String(v))))))));
  }

  // ---- schedules -----------------------------------------------------------------------------------------------------

  async function schedulesPage() {
    const { schedules } = await api('GET', '/api/schedules');
    const list = schedules.length === 0 ? h('p', { class: 'muted' }, 'No schedules yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Runs', 'When', 'Next', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, schedules.map((s) => h('tr', {},
        h('td', {}, s.name), h('td', {}, s.run ? s.run.notebook : s.pipeline ? `${s.pipeline.pipeline} (pipeline)` : ''),
        h('td', { class: 'mono' }, `${s.cron} (${s.timeZone})${s.enabled ? '' : ' · off'}`), h('td', {}, when(s.next)),
        h('td', {}, me.can.publish ? h('div', { class: 'row' },
          // The form changes schedules that start a notebook's run; a pipeline's schedule is changed through the API.
          s.run ? h('button', { type: 'button', class: 'secondary', id: `edit-${s.name}`, onclick: () => editSchedule(s) }, `Edit ${s.name}`) : null,
          h('button', { type: 'button', class: 'secondary', onclick: () => deleteSchedule(s.name) }, `Delete ${s.name}`)) : ''))))));
    show(h('h1', {}, 'Schedules'), list, h('h2', { id: 'schedule-heading' }, 'New schedule'),
      h('div', { id: 'schedule-form' }, me.can.publish ? scheduleForm(null) : h('p', { class: 'banner info' }, 'Creating and changing schedules needs the Notebooks.Publisher role, which you do not have.')));
  }

  /** The form again, filled with this schedule as stored: a change starts from what runs now. */
  function editSchedule(schedule) {
    putIn('schedule-heading', `Change schedule ${schedule.name}`);
    putIn('schedule-form', scheduleForm(schedule));
    document.getElementById('s-cron').focus();
  }

  async function deleteSchedule(name) {
    if (!window.confirm(`Delete the schedule ${name}? Runs it started are kept.`)) return;
    try {
      await api('DELETE', `/api/schedules/${enc(name)}`);
      say(`Schedule ${name} deleted.`, 'good');
      if (here() === '#/schedules') await schedulesPage();
    } catch (error) {
      say(refusal(error), 'bad');
    }
  }

  /** A schedule that starts a notebook's run: a new one (<current> null) or this one changed. Field markers are the server's names. */
  function scheduleForm(current) {
    const field = (id, label, control, help, dataField) => h('div', { class: 'field' }, h('label', { for: id }, label), control,
      help ? h('span', { class: 'help', id: `${id}-help` }, help) : null, h('span', { class: 'error', id: `${id}-error`, 'data-field': dataField }));
    const described = (id, help) => [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
    const run = current ? current.run : null;
    const name = h('input', { id: 's-name', type: 'text', autocomplete: 'off', value: current ? current.name : null, readonly: !!current, 'aria-describedby': described('s-name', true) });
    const cron = h('input', { id: 's-cron', type: 'text', value: current ? current.cron : '0 6 * * 1-5', autocomplete: 'off', 'aria-describedby': described('s-cron', true) });
    const zone = h('input', { id: 's-zone', type: 'text', value: current ? current.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', autocomplete: 'off', 'aria-describedby': described('s-zone') });
    const enabled = h('input', { id: 's-enabled', type: 'checkbox', checked: current ? current.enabled : true });
    const notebook = h('input', { id: 's-notebook', type: 'text', autocomplete: 'off', value: run ? run.notebook : null, 'aria-describedby': described('s-notebook') });
    const parameters = h('textarea', { id: 's-params', spellcheck: 'false', 'aria-describedby': described('s-params') }, JSON.stringify((run && run.parameters) || {}));
    const input = inputFields('s-in', 'run.', run ? run.input : null);
    const preview = h('ol', { id: 'preview', 'aria-live': 'polite' });
    const general = h('div', { class: 'error', role: 'alert' });
    const form = h('form', { class: 'stack', novalidate: true, 'aria-label': current ? `Schedule ${current.name}` : 'New schedule' },
      field('s-name', 'Name', name, current ? 'a schedule keeps its name; delete it and save a new one to rename it' : 'lowercase letters, digits and -', 'name'),
      field('s-cron', 'Cron', cron, 'minute hour day month weekday, e.g. 0 6 * * 1-5 is 06:00 on weekdays', 'cron'),
      field('s-zone', 'Time zone', zone, null, 'timeZone'),
      h('div', { class: 'field check' }, enabled, h('label', { for: 's-enabled' }, 'On (starts runs when due)'), h('span', { class: 'error', 'data-field': 'enabled' })),
      h('div', {}, h('h3', {}, 'Next five runs'), preview),
      field('s-notebook', 'Notebook', notebook, null, 'run.notebook'),
      field('s-params', 'Parameters (JSON object)', parameters, null, 'run.parameters'),
      input.el, general, h('div', { class: 'row' }, h('button', { type: 'submit', id: 's-save' }, 'Save schedule')));
    let pending = null;
    const refresh = () => {
      clearTimeout(pending);
      pending = setTimeout(async () => {
        try {
          const p = await api('GET', `/api/schedules/preview?cron=${enc(cron.value)}&timeZone=${enc(zone.value)}`);
          put(preview, ...p.next.map((n) => h('li', {}, n.words)));
          for (const el of form.querySelectorAll('[data-field="cron"], [data-field="timeZone"]')) el.textContent = '';
        } catch (error) {
          put(preview);
          showError(form, general, error);
        }
      }, 250);
    };
    cron.addEventListener('input', refresh);
    zone.addEventListener('input', refresh);
    refresh();
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const problem = jsonProblem(parameters.value, 'dict');
        if (problem) throw new ApiError(400, { detail: problem, field: 'run.parameters' });
        // A changed schedule keeps what this form does not show (chunking, secrets, notifications...) as it was;
        // where the data is comes from the form alone.
        const { container: _c, prefix: _p, exactBlob: _e, glob: _g, localPath: _l, ...chunking } = (run && run.input) || {};
        const body = {
          cron: cron.value.trim(),
          timeZone: zone.value.trim(),
          enabled: enabled.checked,
          run: { ...(run || {}), notebook: notebook.value.trim(), parameters: parameters.value.trim() ? JSON.parse(parameters.value) : {}, input: { ...chunking, ...(await input.read()) } },
        };
        await api('PUT', `/api/schedules/${enc(name.value.trim())}`, body);
        say(`Schedule ${name.value.trim()} saved.`, 'good');
        if (here() === '#/schedules') await schedulesPage();
      } catch (error) {
        showError(form, general, error);
      }
    });
    return form;
  }

  // ---- publish -------------------------------------------------------------------------------------------------------

  function publishPage() {
    if (!me.can.publish) {
      show(h('h1', {}, 'Publish'), h('p', { class: 'banner info' }, 'Publishing needs the Notebooks.Publisher role, which you do not have. The API refuses it too.'));
      return;
    }
    const file = h('input', { id: 'nb-file', type: 'file', accept: '.ipynb,application/x-ipynb+json,application/json' });
    const name = h('input', { id: 'nb-name', type: 'text', autocomplete: 'off', 'aria-describedby': 'nb-name-help' });
    const report = h('div', { id: 'check', 'aria-live': 'polite' });
    const general = h('div', { class: 'error', role: 'alert' });
    const publish = h('button', { type: 'button', id: 'publish', disabled: true }, 'Publish');
    // What was checked is what gets published: any change to the file or the name asks for a new check.
    name.addEventListener('input', () => { publish.disabled = true; put(report); });
    file.addEventListener('change', () => {
      if (file.files.length && !name.value) name.value = file.files[0].name.replace(/\.ipynb$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
      publish.disabled = true;
      put(report, );
    });
    const send = async (dryRun) => {
      clearErrors(form);
      if (!file.files.length) throw new ApiError(400, { detail: 'choose an .ipynb file', field: 'file' });
      return api('PUT', `/api/notebooks/${enc(name.value.trim())}${dryRun ? '?dryRun=true' : ''}`, file.files[0]);
    };
    const form = h('form', { class: 'stack', novalidate: true, 'aria-label': 'Publish a notebook',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const checked = await send(true);
          put(report, checkReport(checked));
          publish.disabled = false;
        } catch (error) {
          publish.disabled = true;
          put(report, findingsReport(error));
          showError(form, general, error);
        }
      } },
      h('div', { class: 'field' }, h('label', { for: 'nb-file' }, 'Notebook file (.ipynb)'), file, h('span', { class: 'error', 'data-field': 'file' }), h('span', { class: 'error', 'data-field': 'body' })),
      h('div', { class: 'field' }, h('label', { for: 'nb-name' }, 'Name'), name, h('span', { class: 'help', id: 'nb-name-help' }, 'lowercase letters, digits and -; the catalog lists it under this name'), h('span', { class: 'error', 'data-field': 'name' })),
      general,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'secondary' }, 'Check'), publish),
      report);
    publish.addEventListener('click', async () => {
      try {
        const published = await send(false);
        sayNext(`Published ${published.name} version ${short(published.version)}${published.created ? '' : ' (these bytes were already published)'}.`, 'good');
        location.hash = `#/notebooks/${enc(published.name)}`;
      } catch (error) {
        showError(form, general, error);
      }
    });
    show(h('h1', {}, 'Publish a notebook'), h('p', {}, 'Check shows what publishing would store: its parameters, lint warnings and any hardcoded credentials. Nothing is stored until you publish.'), form);
  }

  function checkReport(checked) {
    const params = checked.schema.parameters || [];
    return h('div', {},
      h('div', { class: 'banner good' }, `Ready to publish ${checked.name}: version ${short(checked.version)}${checked.exists ? ', already published' : ''}.`),
      checked.description ? h('p', {}, checked.description) : null,
      h('h3', {}, 'Parameters'),
      params.length ? h('ul', {}, params.map((p) => h('li', {}, h('code', {}, p.name), ` (${p.type}) = ${p.default}${p.help ? ` · ${p.help}` : ''}`))) : h('p', { class: 'muted' }, 'None (no cell tagged parameters).'),
      h('h3', {}, 'Lint warnings'),
      checked.warnings.length ? h('ul', { id: 'warnings' }, checked.warnings.map((w) => h('li', {}, `${w.code}: ${w.message}`))) : h('p', { class: 'muted' }, 'None.'));
  }

  function findingsReport(error) {
    const findings = error instanceof ApiError ? error.problem.findings : null;
    if (!findings || !findings.length) return '';
    // A refusal for credentials still carries the lint warnings, so one check shows everything to fix.
    const warnings = error.problem.warnings || [];
    return h('div', {}, h('h3', {}, 'Hardcoded credentials found'),
      h('ul', { id: 'findings' }, findings.map((f) => h('li', {}, `cell ${f.cell}${f.line ? `, line ${f.line}` : ''}: ${f.description} (${f.masked})`))),
      warnings.length ? [h('h3', {}, 'Lint warnings'), h('ul', { id: 'warnings' }, warnings.map((w) => h('li', {}, `${w.code}: ${w.message}`)))] : null);
  }

  // ---- start ---------------------------------------------------------------------------------------------------------

  async function start() {
    try {
      me = await api('GET', '/api/me');
    } catch (error) {
      const who = document.getElementById('who');
      who.textContent = 'Not signed in';
      show(h('h1', {}, 'Sign in'), h('p', { class: 'banner info' }, error instanceof ApiError && error.status === 401
        ? 'You are not signed in. With nbf serve, open the sign-in link it printed when it started; in Azure, sign in with your organisation account.'
        : refusal(error)));
      return;
    }
    document.getElementById('who').textContent = `${me.name || 'Signed in'} · ${me.roles.length ? me.roles.map((r) => r.replace('Notebooks.', '')).join(', ') : 'no roles'}`;
    document.getElementById('nav-publish').hidden = !me.can.publish;
    // '' and '#/' are one route: going from the first to the second must not render the catalog again, or a search
    // submitted meanwhile is superseded by that second, unfiltered render (seen in a browser test under load).
    window.addEventListener('hashchange', () => { if (here() !== routed) route(); });
    await route();
  }

  start();
})();
