// @ts-check
// The page's first script, run while the HTML is still being read and before the app's code has
// loaded: who is signed in decides the first screen, and when a session was started here (a
// cookie that holds no secret says so), the strategy map's figures are asked for at once too.
// The app's api() (src/web/api/client.ts) takes these answers instead of asking again.
(() => {
  const paths = /(^|;\s*)tl_signed_in=1/.test(document.cookie)
    ? ['/api/v1/session', '/api/v1/state', '/api/v1/signals', '/api/v1/sources']
    : ['/api/v1/session'];
  /** @type {Map<string, Promise<Response>>} */
  const started = new Map(paths.map((path) => [path, fetch(path, { credentials: 'same-origin' })]));
  Object.defineProperty(window, '__throughlinePrefetch', { value: started });
})();
