import { prefetch } from './api/client.ts';

// Imported first by main.tsx, so that this runs before React and Mantine start: who is signed
// in decides the first screen, and when a session was started here (a cookie that holds no
// secret says so), the strategy map's figures are asked for at once too.
prefetch(
  /(^|;\s*)tl_signed_in=1/.test(document.cookie)
    ? ['/api/v1/session', '/api/v1/state', '/api/v1/signals', '/api/v1/sources']
    : ['/api/v1/session'],
);
