// The admin UI's only way to the server: same-origin fetch with the session cookie, the
// chosen tenant in X-Synaptiq-Tenant, and the server's {"error"} message on every failure.

const TENANT_KEY = 'synaptiq-admin:tenant';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function tenant() {
  try {
    return localStorage.getItem(TENANT_KEY) || 'default';
  } catch (e) {
    return 'default';
  }
}

export function setTenant(id) {
  try {
    localStorage.setItem(TENANT_KEY, id);
  } catch (e) { /* storage off: the choice lasts for this page only */ }
}

function headers(extra) {
  return Object.assign({ 'X-Synaptiq-Tenant': tenant(), Accept: 'application/json' }, extra || {});
}

// The message to show for a failed response: the server's own words when it sent them.
async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) { /* not JSON */ }
  const message = body && typeof body.error === 'string'
    ? body.error
    : `${response.status} ${response.statusText || 'request failed'}`;
  if (response.status === 401) window.dispatchEvent(new CustomEvent('admin:unauthorized'));
  return new ApiError(response.status, message, body);
}

export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: headers() };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the server: ${e.message}`, null);
  }
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

// Builds a query string from the defined, non-empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Multipart upload with progress: fetch has no upload progress events, XHR does.
export function upload(method, path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('X-Synaptiq-Tenant', tenant());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent('admin:unauthorized'));
        const message = body && body.error ? body.error : `${xhr.status} upload failed`;
        reject(new ApiError(xhr.status, message, body));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'cannot reach the server', null)));
    xhr.send(form);
  });
}

// Downloads a file the API serves (with the tenant header, which a plain link cannot send).
export async function download(path, filename) {
  const response = await fetch(path, { credentials: 'same-origin', headers: headers({ Accept: '*/*' }) });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
