/**
 * A browser's part in single sign-on, over plain HTTP: a cookie jar (per host and path, as a
 * browser keeps it), redirects followed by hand, and the test provider's sign-in and consent
 * forms filled in. Used to drive the whole authorization code flow without a browser.
 */

interface Cookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

export class CookieJar {
  cookies: Cookie[] = [];

  /** The Cookie header a browser would send to `url`. */
  header(url: URL): string {
    return this.cookies
      .filter((c) => c.host === url.hostname && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Keeps (or drops) what a response's Set-Cookie headers say. */
  take(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path =
        attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ??
        url.pathname.replace(/\/[^/]*$/, '/');
      const gone =
        value === '' ||
        attributes.some((a) => /^max-age=0$/i.test(a)) ||
        attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now());
      this.cookies = this.cookies.filter(
        (c) => !(c.name === name && c.host === url.hostname && c.path === path),
      );
      if (!gone) this.cookies.push({ name, value, host: url.hostname, path });
    }
  }

  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }
}

/** One request as a browser sends it with its cookies; redirects are not followed. */
export async function browse(
  jar: CookieJar,
  url: string,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<Response> {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  const cookie = jar.header(target);
  if (cookie !== '') headers.cookie = cookie;
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(target, {
    method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
    headers,
    redirect: 'manual',
    ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
  });
  jar.take(target, response);
  return response;
}

function formAction(html: string, base: string): string {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined)
    throw new Error(`no form on the provider's page: ${html.slice(0, 200)}`);
  return new URL(action.replaceAll('&amp;', '&'), base).href;
}

/**
 * Goes from `start` (Throughline's sign-on route) through the provider, signing in there as
 * `login` and consenting, up to the provider's redirect back: returns the callback URL, not yet
 * visited (so that a test may tamper with it or visit it twice).
 */
export async function signOnAtProvider(
  jar: CookieJar,
  start: string,
  login: string,
  callbackPrefix: string,
): Promise<string> {
  let url = start;
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await browse(jar, url);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      const next = new URL(location, url).href;
      if (next.startsWith(callbackPrefix)) return next;
      url = next;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${html}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = formAction(html, url);
    const submitted = await browse(jar, action, {
      form:
        prompt === 'login'
          ? { prompt: 'login', login, password: 'any password' }
          : { prompt: 'consent' },
    });
    const after = submitted.headers.get('location');
    if (after === null)
      throw new Error(`${action} answered ${submitted.status} without a redirect`);
    url = new URL(after, action).href;
    if (url.startsWith(callbackPrefix)) return url;
  }
  throw new Error('the sign-in did not come back within 20 steps');
}
