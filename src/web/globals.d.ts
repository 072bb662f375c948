declare global {
  interface Window {
    /** Requests public/boot.js started before the app loaded, by path; see api() in api/client.ts. */
    __throughlinePrefetch?: Map<string, Promise<Response>>;
  }
}

export {};
