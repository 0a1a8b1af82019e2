// The submit page's script: progressive enhancement of a form that works without it.
//
// A photo or a film goes to the server as a tus 1.0.0 resumable upload
// (https://tus.io/protocols/resumable-upload), in chunks: a connection that drops costs at
// most the chunk in flight (the server keeps what arrived), the upload pauses while the
// browser is offline and goes on by itself when it is back, and after a reload or a browser
// restart the same upload goes on from where it stopped once the person picks the file
// again (a page cannot reopen a file by itself). When the file is whole, the form is sent
// as usual with the upload's id instead of the file. What the person typed is kept in the
// browser until the work is sent. Before the first byte, the file is checked against the
// limits the page states (size, type, a film's duration where the browser can read it).
//
// Every word shown comes from the page (the server's message catalogue, in data-msg-*
// attributes); numbers are put in their {placeholders} here.

const ENDPOINT = '/api/v1/uploads';
const TUS = '1.0.0';
/// One chunk per request: at 2G's 30 KB/s about half a minute, so a PATCH is a short
/// request and a cut costs little.
const CHUNK = 1024 * 1024;
/// Waits between attempts when the server does not answer, in seconds.
const BACKOFF = [1, 2, 5, 10, 20, 30];
/// A chunk whose bytes stop moving for this long is given up and sent again.
const STALL_MS = 90 * 1000;
/// Drafts and unfinished uploads older than this are forgotten (the server's uploads
/// expire after a day by default).
const KEEP_MS = 24 * 60 * 60 * 1000;
/// The screen reader hears the progress at most this often.
const ANNOUNCE_MS = 20 * 1000;
const FIELDS = ['title', 'text', 'alt_text', 'transcript', 'captions_lang', 'description', 'licence', 'call'];
/// Refusals about another field than the file, by their code.
const FIELD_OF = {
  invalid_kind: 'kind', kind_not_accepted: 'kind', upload_for_text: 'kind',
  unknown_call: 'call', call_closed: 'call', call_not_open_yet: 'call', call_limit_reached: 'call',
};

const form = document.getElementById('submit-form');
const status = document.getElementById('upload-status');
if (form && status && window.XMLHttpRequest && window.fetch && window.Blob && Blob.prototype.slice) {
  enhance(form, status);
}

function enhance(form, status) {
  const fileInput = form.querySelector('#file');
  const uploadInput = form.querySelector('input[name=upload]');
  const csrf = form.querySelector('input[name=csrf]').value;
  const bar = status.querySelector('#upload-progress');
  const line = status.querySelector('#upload-text');
  const live = status.querySelector('#upload-live');
  const notice = document.getElementById('upload-notice');
  const noticeText = document.getElementById('upload-notice-text');
  const startOver = document.getElementById('upload-start-over');
  const lang = document.documentElement.lang || 'it';
  const decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const store = storage();
  const draftName = form.dataset.draft ? `piazza.draft.${form.dataset.draft}` : '';
  const uploadName = form.dataset.draft ? `piazza.upload.${form.dataset.draft}` : '';
  let busy = false;

  /// A message of the page with its placeholders filled in.
  function msg(name, values = {}) {
    const key = 'msg' + name.replace(/(^|-)([a-z])/g, (_m, _d, c) => c.toUpperCase());
    return (status.dataset[key] || '').replace(/\{([a-z]+)\}/g, (m, k) => (k in values ? values[k] : m));
  }
  const mb = (bytes) => decimal.format(bytes / (1024 * 1024));

  // ---- what the person typed, kept in the browser until the work is sent ----

  function saveDraft() {
    if (!draftName) return;
    const fields = { kind: currentKind() };
    for (const name of FIELDS) {
      const field = form.elements.namedItem(name);
      if (field) fields[name] = field.value;
    }
    store.set(draftName, { saved: Date.now(), fields });
  }

  function restoreDraft() {
    const draft = store.get(draftName);
    if (!draft || !draft.fields) return;
    // A page the server filled (a refusal, with what was typed) is newer than any draft.
    const typed = ['title', 'text', 'alt_text', 'transcript', 'description'].some((n) => form.elements.namedItem(n) && form.elements.namedItem(n).value);
    if (typed) return;
    let restored = false;
    // A call named in the address (a link from the call's page) is the person's choice now.
    const named = new URLSearchParams(location.search).has('call');
    for (const name of FIELDS) {
      if (name === 'call' && named) continue;
      const field = form.elements.namedItem(name);
      const value = draft.fields[name];
      if (field && typeof value === 'string' && value !== '' && field.value !== value) {
        if (field.tagName === 'SELECT' && ![...field.options].some((o) => o.value === value)) continue;
        field.value = value;
        restored = restored || !['licence', 'call', 'captions_lang'].includes(name);
      }
    }
    const radio = draft.fields.kind && form.querySelector(`input[name=kind][value="${CSS.escape(draft.fields.kind)}"]`);
    if (radio) radio.checked = true;
    if (restored) showNotice(msg('draft-restored'), false);
  }

  let draftTimer = 0;
  form.addEventListener('input', () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 400);
  });
  form.addEventListener('change', saveDraft);

  // ---- checks before the first byte ----

  function currentKind() {
    const checked = form.querySelector('input[name=kind]:checked');
    return checked ? checked.value : '';
  }

  /// Why this file cannot be sent as `kind`, in words, or '' if it can be tried.
  async function problemWith(file, kind) {
    const max = Number(fileInput.dataset.maxBytes || 0);
    if (max > 0 && file.size > max) {
      return msg('too-large', { size: mb(file.size), max: whole.format(Math.floor(max / (1024 * 1024))) });
    }
    const named = kind.charAt(0).toUpperCase() + kind.slice(1);
    const types = (fileInput.dataset[`types${named}`] || '').split(',');
    const endings = (fileInput.dataset[`extensions${named}`] || '').split(',');
    const ending = (file.name.split('.').pop() || '').toLowerCase();
    if (!types.includes(file.type) && !endings.includes(ending)) {
      return msg(`wrong-type-${kind}`);
    }
    const maxSeconds = Number(fileInput.dataset.maxDurationS || 0);
    if ((kind === 'film' || kind === 'audio') && maxSeconds > 0) {
      const seconds = await duration(file);
      // A second's grace: containers round their durations.
      if (seconds > maxSeconds + 1) {
        return msg(kind === 'audio' ? 'too-long-audio' : 'too-long', { minutes: whole.format(Math.ceil(seconds / 60)), max: whole.format(Math.floor(maxSeconds / 60)) });
      }
    }
    return '';
  }

  /// The film's duration as the browser reads it from the file, or 0 where it cannot (a
  /// container it does not play): the server checks it again either way.
  function duration(file) {
    return new Promise((resolve) => {
      const video = document.createElement('video');
      const url = URL.createObjectURL(file);
      const done = (seconds) => {
        clearTimeout(timer);
        video.removeAttribute('src');
        URL.revokeObjectURL(url);
        resolve(Number.isFinite(seconds) ? seconds : 0);
      };
      const timer = setTimeout(() => done(0), 5000);
      video.preload = 'metadata';
      video.muted = true;
      video.onloadedmetadata = () => done(video.duration);
      video.onerror = () => done(0);
      video.src = url;
    });
  }

  /// Shows a refusal beside its field, as the server's own page does.
  function showError(message, fieldName = 'file') {
    clearError();
    const input = fieldName === 'kind' ? form.querySelector('input[name=kind]') : form.elements.namedItem(fieldName);
    const p = document.createElement('p');
    p.id = `${fieldName}-error`;
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    p.dataset.script = '1';
    if (fieldName === 'kind') {
      const fieldset = input.closest('fieldset');
      fieldset.querySelector('legend').after(p);
      fieldset.setAttribute('aria-describedby', p.id);
    } else {
      input.before(p);
      input.setAttribute('aria-invalid', 'true');
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== p.id);
      input.setAttribute('aria-describedby', [p.id, ...described].join(' '));
    }
    input.focus();
  }

  function clearError() {
    for (const old of form.querySelectorAll('p.error[data-script]')) {
      const input = form.elements.namedItem(old.id.replace(/-error$/, ''));
      if (input && input.removeAttribute) {
        input.removeAttribute('aria-invalid');
        const rest = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== old.id);
        if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
        else input.removeAttribute('aria-describedby');
      }
      old.remove();
    }
  }

  fileInput.addEventListener('change', async () => {
    clearError();
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    // A new file replaces the one the server already holds for this form.
    uploadInput.value = '';
    const kept = document.getElementById('upload-kept');
    if (kept) kept.remove();
    const kind = currentKind();
    if (kind === 'photo' || kind === 'film' || kind === 'audio') {
      const problem = await problemWith(file, kind);
      if (problem) showError(problem);
    }
  });

  // ---- progress, said now and then ----

  let samples = [];
  let lastDrawn = 0;
  let lastAnnounced = { at: 0, tenth: -1 };

  function showStatus() {
    status.hidden = false;
    samples = [];
  }

  function say(text) {
    live.textContent = text;
  }

  function showNotice(text, offerStartOver) {
    noticeText.textContent = text;
    startOver.hidden = !offerStartOver;
    notice.hidden = false;
  }

  function progress(sent, total, force = false) {
    const now = Date.now();
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[0][0] > 20000) samples.shift();
    if (!force && now - lastDrawn < 250) return;
    lastDrawn = now;
    const percent = total > 0 ? Math.floor((sent * 100) / total) : 100;
    bar.value = percent;
    let text = msg('progress', { percent: whole.format(percent), sent: mb(sent), total: mb(total) });
    const [t0, s0] = samples[0];
    const rate = now > t0 ? ((sent - s0) * 1000) / (now - t0) : 0;
    if (rate > 0 && sent < total && now - t0 > 2000) {
      const seconds = (total - sent) / rate;
      const left = seconds < 60 ? msg('left-seconds') : seconds < 120 ? msg('left-one-minute') : msg('left-minutes', { minutes: whole.format(Math.round(seconds / 60)) });
      text += ` · ${left}`;
    }
    line.textContent = text;
    const tenth = Math.floor(percent / 10);
    if (tenth > lastAnnounced.tenth && now - lastAnnounced.at >= ANNOUNCE_MS) {
      lastAnnounced = { at: now, tenth };
      say(msg('announce', { percent: whole.format(percent) }));
    }
  }

  // ---- the tus client ----

  const saved = () => {
    const entry = store.get(uploadName);
    return entry && entry.url && Date.now() - entry.saved < KEEP_MS ? entry : null;
  };
  const sameFile = (entry, file) => entry.name === file.name && entry.size === file.size && entry.modified === file.lastModified;
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const online = () => new Promise((resolve) => {
    if (navigator.onLine) resolve();
    else window.addEventListener('online', () => resolve(), { once: true });
  });

  function headers(extra = {}) {
    return { 'Tus-Resumable': TUS, 'X-CSRF-Token': csrf, ...extra };
  }

  /// The upload's offset on the server: a number, 'gone', or null when it did not answer.
  async function serverOffset(url) {
    try {
      const response = await fetch(url, { method: 'HEAD', headers: headers(), cache: 'no-store', credentials: 'same-origin' });
      if (response.status === 404 || response.status === 410) return 'gone';
      if (!response.ok) return null;
      return Number(response.headers.get('Upload-Offset'));
    } catch (_) {
      return null;
    }
  }

  async function refusal(response) {
    try {
      const body = await response.json();
      return { code: body.error || '', message: body.message || msg('failed') };
    } catch (_) {
      return { code: '', message: msg('failed') };
    }
  }

  function metadata(file, call, kind) {
    const encode = (value) => btoa(String.fromCharCode(...new TextEncoder().encode(value)));
    const pairs = [['call', call], ['kind', kind], ['filename', file.name]];
    if (file.type) pairs.push(['filetype', file.type]);
    return pairs.map(([k, v]) => `${k} ${encode(v)}`).join(',');
  }

  /// Creates the upload: its address, or a refusal to show.
  async function create(file, call, kind) {
    for (let attempt = 0; ; attempt += 1) {
      await online();
      let response;
      try {
        response = await fetch(ENDPOINT, {
          method: 'POST',
          headers: headers({ 'Upload-Length': String(file.size), 'Upload-Metadata': metadata(file, call, kind) }),
          credentials: 'same-origin',
        });
      } catch (_) {
        response = null;
      }
      if (response && response.status === 201) {
        return { url: new URL(response.headers.get('Location'), location.href).pathname };
      }
      if (response && response.status >= 400 && response.status < 500) {
        return { refused: await refusal(response) };
      }
      line.textContent = msg('retrying');
      await wait(BACKOFF[Math.min(attempt, BACKOFF.length - 1)] * 1000);
    }
  }

  let current = null;
  window.addEventListener('offline', () => {
    if (!busy) return;
    line.textContent = msg('offline');
    say(msg('offline'));
    // The chunk in flight is lost to the browser anyway; the server keeps what arrived.
    if (current) current.abort();
  });
  window.addEventListener('online', () => {
    if (busy) say(msg('online'));
  });

  /// Sends one chunk from `offset`: the new offset, or a status to act on.
  function patch(url, offset, chunk, total) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      current = xhr;
      let stall = 0;
      const watch = () => {
        clearTimeout(stall);
        stall = setTimeout(() => xhr.abort(), STALL_MS);
      };
      const finish = (result) => {
        clearTimeout(stall);
        current = null;
        resolve(result);
      };
      xhr.open('PATCH', url);
      for (const [name, value] of Object.entries(headers({ 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (event) => {
        watch();
        progress(offset + event.loaded, total);
      };
      xhr.onload = () => finish({ status: xhr.status, offset: Number(xhr.getResponseHeader('Upload-Offset')), xhr });
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => finish({ status: 0 });
      watch();
      xhr.send(chunk);
    });
  }

  /// Sends the file, from where the server has it: true when all of it is there.
  async function sendFrom(entry, file, offset) {
    let attempt = 0;
    // After a failure the server may hold more than was confirmed (it keeps every byte of
    // a chunk that broke off): ask it before sending again.
    let unsure = false;
    const pause = async () => {
      attempt += 1;
      if (navigator.onLine) await wait(BACKOFF[Math.min(attempt - 1, BACKOFF.length - 1)] * 1000);
    };
    while (offset < file.size) {
      await online();
      if (unsure) {
        const known = await serverOffset(entry.url);
        if (known === 'gone') return 'gone';
        if (typeof known !== 'number' || !Number.isFinite(known)) {
          await pause();
          continue;
        }
        offset = known;
        unsure = false;
        if (offset >= file.size) break;
      }
      const result = await patch(entry.url, offset, file.slice(offset, Math.min(offset + CHUNK, file.size)), file.size);
      if (result.status === 204) {
        offset = result.offset;
        entry.offset = offset;
        store.set(uploadName, entry);
        progress(offset, file.size, offset === file.size);
        attempt = 0;
        continue;
      }
      if (result.status === 404 || result.status === 410) return 'gone';
      if (result.status >= 400 && result.status < 500 && result.status !== 409 && result.status !== 423) {
        let refused = { code: '', message: msg('failed') };
        try {
          const parsed = JSON.parse(result.xhr.responseText);
          refused = { code: parsed.error || '', message: parsed.message || refused.message };
        } catch (_) { /* not JSON: the general message */ }
        return { refused };
      }
      // Cut off, busy (the request of the chunk before is still being closed), or the
      // offset moved.
      unsure = true;
      if (navigator.onLine && (result.status === 0 || result.status >= 500)) line.textContent = msg('retrying');
      await pause();
    }
    return true;
  }

  async function send(file, kind) {
    const call = form.elements.namedItem('call').value;
    let entry = saved();
    let offset = 0;
    if (entry && sameFile(entry, file) && entry.call === call && entry.kind === kind) {
      const known = await serverOffset(entry.url);
      if (known === 'gone') {
        showNotice(msg('gone'), false);
        entry = null;
      } else if (typeof known === 'number' && Number.isFinite(known)) {
        offset = known;
        say(msg('resuming', { percent: whole.format(Math.floor((offset * 100) / file.size)) }));
      }
    } else if (entry) {
      // Another file: the stopped upload is not needed any more.
      fetch(entry.url, { method: 'DELETE', headers: headers(), credentials: 'same-origin' }).catch(() => {});
      entry = null;
    }
    for (;;) {
      if (!entry) {
        line.textContent = msg('starting');
        const created = await create(file, call, kind);
        if (created.refused) return created;
        entry = { url: created.url, name: file.name, size: file.size, modified: file.lastModified, type: file.type, call, kind, saved: Date.now(), offset: 0 };
        store.set(uploadName, entry);
        offset = 0;
      }
      progress(offset, file.size, true);
      const result = await sendFrom(entry, file, offset);
      if (result === true) return { id: entry.url.split('/').pop() };
      if (result !== 'gone') return result;
      showNotice(msg('gone'), false);
      store.remove(uploadName);
      entry = null;
    }
  }

  form.addEventListener('submit', async (event) => {
    if (busy) {
      event.preventDefault();
      return;
    }
    const file = fileInput.files && fileInput.files[0];
    const kind = currentKind();
    if (!file || !(kind === 'photo' || kind === 'film' || kind === 'audio')) {
      // A text, or a form the server already holds the file for: sent as it is.
      store.remove(draftName);
      return;
    }
    event.preventDefault();
    busy = true;
    form.setAttribute('aria-busy', 'true');
    clearError();
    try {
      const problem = await problemWith(file, kind);
      if (problem) {
        showError(problem);
        return;
      }
      notice.hidden = true;
      showStatus();
      say(msg('starting'));
      const result = await send(file, kind);
      if (result.refused) {
        status.hidden = true;
        showError(result.refused.message, FIELD_OF[result.refused.code] || 'file');
        return;
      }
      line.textContent = msg('sent');
      say(msg('sent'));
      uploadInput.value = result.id;
      // The file is on the server: the form goes without it.
      fileInput.disabled = true;
      store.remove(draftName);
      // The upload's record stays until the next visit finds it consumed: if this last
      // request is lost, the same file goes on at once.
      const entry = saved();
      if (entry) store.set(uploadName, { ...entry, done: true });
      form.submit();
    } finally {
      busy = false;
      form.removeAttribute('aria-busy');
    }
  });

  // ---- an upload that stopped before, offered again ----

  startOver.addEventListener('click', () => {
    const entry = saved();
    if (entry) fetch(entry.url, { method: 'DELETE', headers: headers(), credentials: 'same-origin' }).catch(() => {});
    store.remove(uploadName);
    notice.hidden = true;
    fileInput.focus();
  });

  async function offerResume() {
    const entry = store.get(uploadName);
    if (!entry) return;
    if (!entry.url || Date.now() - entry.saved >= KEEP_MS) {
      store.remove(uploadName);
      return;
    }
    // The server's page already holds this upload for the form (it refused something else).
    if (uploadInput.value && entry.url.endsWith(`/${uploadInput.value}`)) return;
    const known = await serverOffset(entry.url);
    if (known === 'gone') {
      // Consumed by the work it was sent for, or expired.
      store.remove(uploadName);
      if (!entry.done) showNotice(msg('gone'), false);
      return;
    }
    if (typeof known !== 'number' || !Number.isFinite(known)) return;
    const percent = whole.format(Math.floor((known * 100) / Math.max(entry.size, 1)));
    showNotice(msg('resume-offer', { name: entry.name, percent }), true);
    const radio = form.querySelector(`input[name=kind][value="${CSS.escape(entry.kind)}"]`);
    if (radio && !currentKind()) radio.checked = true;
  }

  restoreDraft();
  offerResume();
}

/// localStorage, or a stand-in that keeps nothing where the browser refuses it (private
/// windows, storage turned off): the upload still works, it is only not resumed after a
/// reload.
function storage() {
  let real = null;
  try {
    real = window.localStorage;
    real.setItem('piazza.probe', '1');
    real.removeItem('piazza.probe');
  } catch (_) {
    real = null;
  }
  return {
    get(name) {
      if (!real || !name) return null;
      try {
        return JSON.parse(real.getItem(name) || 'null');
      } catch (_) {
        return null;
      }
    },
    set(name, value) {
      if (!real || !name) return;
      try {
        real.setItem(name, JSON.stringify(value));
      } catch (_) { /* full: the upload goes on without being remembered */ }
    },
    remove(name) {
      if (real && name) real.removeItem(name);
    },
  };
}
