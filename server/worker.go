package server

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The installed app offline. go-app's service worker caches the files of
// the app and the home page ("/") when it is installed, and answers from
// that cache first; any other address goes to the network, so a page of
// the app other than "/" (/groups, /group?id=…, /friend-lists?user=…)
// opened or reloaded offline was the browser's own error page. go-app
// knows its routes only inside app.wasm (app.Route), and the pages need a
// query and a session to show anything, so there is no list of pages to
// cache ahead. The worker here is go-app's with its fetch handler
// replaced: a page it does not hold is asked of the network as before,
// and when the network fails, the home page it holds is the answer. That
// page is the app's shell: app.wasm starts, reads the address and shows
// the page of it, which says it is offline (app/offline.go). The
// catalogue of a language chosen on the device (/i18n/LANG.json, loaded
// before the first render when the cached page is in another language) is
// kept in the same cache once fetched, so it is there offline too.

// workerFetch is go-app's fetch handler, as its worker has it.
const workerFetch = `async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  return await fetch(request);
}`

// offlineFetch takes its place.
const offlineFetch = `// imdesk (server/worker.go): every page of the app opens offline, from
// the home page this cache holds; a catalogue fetched is kept.
async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  const url = new URL(request.url);
  const words = request.method === "GET" && url.origin === self.location.origin && url.pathname.startsWith("/i18n/");
  try {
    const response = await fetch(request);
    if (words && response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    if (request.mode === "navigate" && request.method === "GET" && url.origin === self.location.origin) {
      const shell = await caches.match("/");
      if (shell) {
        return shell;
      }
    }
    throw err;
  }
}`

// offlineWorker is the service worker's template; ok is false when
// go-app's own has changed so that its fetch handler is not found (then
// go-app's is used as it is, and TestOfflineWorker fails).
func offlineWorker() (template string, ok bool) {
	if !strings.Contains(app.DefaultAppWorkerJS, workerFetch) {
		return app.DefaultAppWorkerJS, false
	}
	return strings.Replace(app.DefaultAppWorkerJS, workerFetch, offlineFetch, 1), true
}
